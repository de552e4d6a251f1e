package io.streamsynth.pipeline.shots;

import java.awt.Color;
import java.util.SplittableRandom;

/**
 * Where and in which colours one product shot shows its garment. The canvas is {@code width x
 * height} (upright, as shown); the garment fills the square {@code boxSide x boxSide} at
 * ({@code boxLeft}, {@code boxTop}), placed inside the canvas's central square with a margin of a
 * sixteenth of the shorter side, so the center crop a catalog's preprocessing takes (resize the
 * shorter side to S, crop C x C, C/S = 224/256 or 64/72) keeps all of it.
 *
 * @param background 0xRRGGBB of the backdrop: a light, lightly saturated colour
 * @param tint       0xRRGGBB of the garment at full intensity: a darker, saturated colour
 */
public record ShotLook(int width, int height, int boxLeft, int boxTop, int boxSide, int background, int tint) {

    /** Width:height ratios of the canvas, as catalog photos come: square, landscape and portrait. */
    static final int[][] ASPECTS = {{1, 1}, {4, 3}, {3, 4}, {3, 2}, {2, 3}, {16, 9}, {9, 16}};

    public ShotLook {
        if (width < 8 || height < 8) {
            throw new IllegalArgumentException("a shot needs at least 8x8 pixels, got " + width + "x" + height);
        }
        if (boxSide < 1 || boxLeft < 0 || boxTop < 0 || boxLeft + boxSide > width || boxTop + boxSide > height) {
            throw new IllegalArgumentException("garment box " + boxSide + " at (" + boxLeft + ", " + boxTop
                    + ") is not inside " + width + "x" + height);
        }
    }

    /**
     * The look drawn from {@code random}: shorter side uniform in {@code [minSide, maxSide]}, one of
     * {@link #ASPECTS}, garment side 55-80 % of the shorter side, backdrop of any hue at saturation
     * 0.10-0.40 and brightness 0.85-1.0, garment of any hue at saturation 0.5-0.9 and brightness
     * 0.25-0.6 (always darker than the backdrop, so the garment stands out as in a product photo).
     */
    static ShotLook draw(SplittableRandom random, int minSide, int maxSide) {
        int shorter = minSide + random.nextInt(maxSide - minSide + 1);
        int[] aspect = ASPECTS[random.nextInt(ASPECTS.length)];
        int width;
        int height;
        if (aspect[0] >= aspect[1]) {
            height = shorter;
            width = shorter * aspect[0] / aspect[1];
        } else {
            width = shorter;
            height = shorter * aspect[1] / aspect[0];
        }
        int side = (int) Math.round(shorter * (0.55 + 0.25 * random.nextDouble()));
        int margin = shorter / 16;
        int slack = Math.max(0, shorter - side - 2 * margin);
        int left = (width - shorter) / 2 + margin + random.nextInt(slack + 1);
        int top = (height - shorter) / 2 + margin + random.nextInt(slack + 1);
        int background = hsb(random.nextDouble(), 0.10 + 0.30 * random.nextDouble(), 0.85 + 0.15 * random.nextDouble());
        int tint = hsb(random.nextDouble(), 0.5 + 0.4 * random.nextDouble(), 0.25 + 0.35 * random.nextDouble());
        return new ShotLook(width, height, left, top, side, background, tint);
    }

    private static int hsb(double hue, double saturation, double brightness) {
        return Color.HSBtoRGB((float) hue, (float) saturation, (float) brightness) & 0xffffff;
    }

    /** Channel {@code c} (0 red, 1 green, 2 blue) of a 0xRRGGBB colour. */
    public static int channel(int rgb, int c) {
        return (rgb >> (16 - 8 * c)) & 0xff;
    }
}
