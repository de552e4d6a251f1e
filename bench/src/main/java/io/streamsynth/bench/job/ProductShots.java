package io.streamsynth.bench.job;

import io.streamsynth.model.data.DecodedImage;
import io.streamsynth.model.data.PixelExtractor;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.SplittableRandom;

/**
 * Synthetic stand-ins for catalog photos, for measuring what photos cost in state: an RGB "product
 * shot" of 320 to 639 by 320 to 639 pixels, a light gradient background with three to six shaded
 * shapes, and sensor-like noise of up to plus or minus 6 levels per channel. No real photo corpus
 * ships with the project; these compress about as a JPEG of a plain product shot does, better than
 * a busy scene would and far worse than noise-free drawings.
 */
final class ProductShots {
    private ProductShots() {}

    /** The shot of one id, the same on every call. */
    static DecodedImage draw(long id) {
        SplittableRandom random = new SplittableRandom(id * 0x9E3779B97F4A7C15L + 17);
        int width = 320 + random.nextInt(320);
        int height = 320 + random.nextInt(320);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setPaint(new GradientPaint(0, 0, light(random), width, height, light(random)));
            g.fillRect(0, 0, width, height);
            int shapes = 3 + random.nextInt(4);
            for (int i = 0; i < shapes; i++) {
                int w = width / 6 + random.nextInt(width / 2);
                int h = height / 6 + random.nextInt(height / 2);
                int x = random.nextInt(width - w);
                int y = random.nextInt(height - h);
                Color colour = new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256));
                g.setPaint(new GradientPaint(x, y, colour, x + w, y + h, colour.darker().darker()));
                if (random.nextBoolean()) {
                    g.fillOval(x, y, w, h);
                } else {
                    g.fillRoundRect(x, y, w, h, w / 5, h / 5);
                }
            }
        } finally {
            g.dispose();
        }
        DecodedImage pixels = PixelExtractor.opaquePixels(image, 3);
        byte[] p = pixels.pixels();
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) Math.max(0, Math.min(255, (p[i] & 0xff) + random.nextInt(13) - 6));
        }
        return pixels;
    }

    private static Color light(SplittableRandom random) {
        return new Color(200 + random.nextInt(56), 200 + random.nextInt(56), 200 + random.nextInt(56));
    }
}
