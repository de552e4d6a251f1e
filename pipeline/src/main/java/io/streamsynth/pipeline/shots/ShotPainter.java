package io.streamsynth.pipeline.shots;

import io.streamsynth.model.data.DecodedImage;
import io.streamsynth.model.image.BilinearResize;

/**
 * Paints a grey garment (Fashion-MNIST: bright garment on black, 1 x 28 x 28) into a {@link ShotLook}
 * as upright ARGB pixels. The garment image is scaled bilinearly to the look's box; a pixel of
 * intensity {@code v} (0-255) there gets, per channel, {@code (v * tint + (255 - v) * background + 127) / 255},
 * that is the tint laid over the backdrop with {@code v} as coverage, so the class content survives
 * as an affine map of the source's pixels. Outside the box is the plain backdrop.
 */
final class ShotPainter {
    private ShotPainter() {}

    /**
     * @param transparent true: the backdrop is left fully transparent and each pixel is the tint with
     *                    alpha {@code v}, which composited onto a background {@code b} gives exactly
     *                    the opaque formula with {@code b} as backdrop
     * @return 0xAARRGGBB per pixel, row-major, {@code look.width() * look.height()} of them
     */
    static int[] paint(DecodedImage garment, ShotLook look, boolean transparent) {
        if (garment.channels() != 1) {
            throw new IllegalArgumentException("the garment must be a grey image, got " + garment.channels()
                    + " channels");
        }
        DecodedImage scaled = BilinearResize.resize(garment, look.boxSide(), look.boxSide());
        byte[] v = scaled.pixels();
        int width = look.width();
        int[] argb = new int[width * look.height()];
        int backdrop = transparent ? look.tint() : 0xff000000 | look.background();
        java.util.Arrays.fill(argb, backdrop);
        for (int y = 0; y < look.boxSide(); y++) {
            for (int x = 0; x < look.boxSide(); x++) {
                int intensity = v[y * look.boxSide() + x] & 0xff;
                int at = (look.boxTop() + y) * width + look.boxLeft() + x;
                argb[at] = transparent ? intensity << 24 | look.tint()
                        : 0xff000000 | over(look.tint(), intensity, look.background());
            }
        }
        return argb;
    }

    /** {@code colour} at coverage {@code alpha} (0-255) over {@code background}, per channel, rounded. */
    static int over(int colour, int alpha, int background) {
        int out = 0;
        for (int c = 0; c < 3; c++) {
            int mixed = (alpha * ShotLook.channel(colour, c) + (255 - alpha) * ShotLook.channel(background, c) + 127)
                    / 255;
            out |= mixed << (16 - 8 * c);
        }
        return out;
    }
}
