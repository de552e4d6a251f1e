package io.streamsynth.model.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;

/**
 * Between decoded {@link BufferedImage}s and unsigned-byte C x H x W pixel arrays in a catalog's
 * channels: alpha composited onto a background, deeper samples scaled to 8 bits, grey expanded to
 * RGB or RGB converted to grey (ITU-R BT.601 luma).
 */
public final class PixelExtractor {

    private PixelExtractor() {
    }

    /**
     * The pixels of {@code image} as {@code channels} (1 or 3) unsigned bytes per pixel. A pixel of
     * alpha {@code a} (0-255) and value {@code v} becomes {@code round((a*v + (255-a)*bg) / 255)},
     * per channel, against the background's channel ({@code bg}: its BT.601 luma for grey output).
     * Colour is composited first, then converted to grey.
     *
     * @param background 0xRRGGBB behind transparent pixels
     */
    public static Decoded convert(BufferedImage image, int channels, int background) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        ColorModel model = image.getColorModel();
        boolean grey = isGrey(model);
        DecodedImage pixels = isComponentGrey(model) ? fromGreySamples(image, channels, background)
                : fromRgb(image, channels, background);
        return new Decoded(pixels, grey != (channels == 1));
    }

    /** The pixels of an image without transparency, e.g. a stored JPEG, in {@code channels}. */
    public static DecodedImage opaquePixels(BufferedImage image, int channels) {
        return convert(image, channels, 0xffffff).image();
    }

    /** An opaque image of the given pixels, grey or RGB, whose samples are exactly those bytes. */
    public static BufferedImage toImage(DecodedImage pixels) {
        int channels = pixels.channels();
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        int height = pixels.height();
        int width = pixels.width();
        BufferedImage image = new BufferedImage(width, height,
                channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        WritableRaster raster = image.getRaster();
        int plane = height * width;
        int[] row = new int[width];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    row[x] = pixels.pixels()[c * plane + y * width + x] & 0xff;
                }
                raster.setSamples(0, y, width, 1, c, row);
            }
        }
        return image;
    }

    /**
     * Palette images (every GIF, low bit-depth grey PNGs) report three colour components even when
     * every palette entry is grey; those count as grey, so a grey GIF is no conversion.
     */
    private static boolean isGrey(ColorModel model) {
        if (model instanceof IndexColorModel palette) {
            for (int i = 0; i < palette.getMapSize(); i++) {
                int red = palette.getRed(i);
                if (red != palette.getGreen(i) || red != palette.getBlue(i)) {
                    return false;
                }
            }
            return true;
        }
        return model.getNumColorComponents() == 1;
    }

    private static boolean isComponentGrey(ColorModel model) {
        return !(model instanceof IndexColorModel) && model.getColorSpace().getType() == ColorSpace.TYPE_GRAY
                && model.getNumColorComponents() == 1;
    }

    /**
     * Grey samples are read directly: going through getRGB would apply Java2D's linear-grey to
     * sRGB conversion and brighten mid tones.
     */
    private static DecodedImage fromGreySamples(BufferedImage image, int channels, int background) {
        int width = image.getWidth();
        int height = image.getHeight();
        ColorModel model = image.getColorModel();
        int greyMax = (1 << model.getComponentSize(0)) - 1;
        boolean alpha = model.hasAlpha();
        int alphaMax = alpha ? (1 << model.getComponentSize(1)) - 1 : 0;
        int[] bg = channels == 1 ? new int[] {luma(background)} : rgb(background);
        Raster raster = image.getRaster();
        int plane = height * width;
        byte[] out = new byte[channels * plane];
        int[] grey = new int[width];
        int[] alphas = new int[width];
        for (int y = 0; y < height; y++) {
            raster.getSamples(0, y, width, 1, 0, grey);
            if (alpha) {
                raster.getSamples(0, y, width, 1, 1, alphas);
            }
            for (int x = 0; x < width; x++) {
                int v = to8Bits(grey[x], greyMax);
                int a = alpha ? to8Bits(alphas[x], alphaMax) : 255;
                for (int c = 0; c < channels; c++) {
                    out[c * plane + y * width + x] = (byte) over(v, a, bg[c]);
                }
            }
        }
        return new DecodedImage(channels, height, width, out);
    }

    private static DecodedImage fromRgb(BufferedImage image, int channels, int background) {
        int width = image.getWidth();
        int height = image.getHeight();
        int plane = height * width;
        int[] bg = rgb(background);
        byte[] out = new byte[channels * plane];
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            // non-premultiplied sRGB whatever the source's colour model (palette, CMYK, 16 bits)
            image.getRGB(0, y, width, 1, row, 0, width);
            for (int x = 0; x < width; x++) {
                int a = row[x] >>> 24;
                int red = over((row[x] >> 16) & 0xff, a, bg[0]);
                int green = over((row[x] >> 8) & 0xff, a, bg[1]);
                int blue = over(row[x] & 0xff, a, bg[2]);
                int at = y * width + x;
                if (channels == 1) {
                    out[at] = (byte) luma(red, green, blue);
                } else {
                    out[at] = (byte) red;
                    out[plane + at] = (byte) green;
                    out[2 * plane + at] = (byte) blue;
                }
            }
        }
        return new DecodedImage(channels, height, width, out);
    }

    private static int to8Bits(int sample, int max) {
        return max == 255 ? sample : (sample * 255 + max / 2) / max;
    }

    /** Alpha compositing of one 8-bit value over the background's, rounded. */
    private static int over(int value, int alpha, int background) {
        return (alpha * value + (255 - alpha) * background + 127) / 255;
    }

    private static int[] rgb(int colour) {
        return new int[] {(colour >> 16) & 0xff, (colour >> 8) & 0xff, colour & 0xff};
    }

    private static int luma(int colour) {
        int[] c = rgb(colour);
        return luma(c[0], c[1], c[2]);
    }

    /** ITU-R BT.601 luma, the weighting most greyscale datasets were made with. */
    static int luma(int red, int green, int blue) {
        return (int) Math.round(0.299 * red + 0.587 * green + 0.114 * blue);
    }
}
