package io.streamsynth.model.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;

/** Between decoded {@link BufferedImage}s and unsigned-byte C x H x W pixel arrays. */
final class PixelExtractor {

    private PixelExtractor() {
    }

    /**
     * The pixels of {@code image} with {@code required} channels (0: the image's own). The image
     * must already have that many colour components; alpha is dropped, deeper samples are scaled
     * to 8 bits.
     */
    static DecodedImage extract(BufferedImage image, int required) throws ImageRejectedException {
        int own = colourChannels(image.getColorModel());
        if (own != 1 && own != 3) {
            throw new ImageRejectedException(ImageRejectedException.WRONG_CHANNELS,
                    "image has " + own + " colour components; only grey (1) and RGB (3) are supported");
        }
        if (required != 0 && own != required) {
            throw new ImageRejectedException(ImageRejectedException.WRONG_CHANNELS,
                    "image has " + own + " colour channel(s) but the catalog requires " + required);
        }
        if (own == 1 && isComponentGrey(image.getColorModel())) {
            return greySamples(image);
        }
        return fromRgb(image, own);
    }

    /** An opaque image of the given pixels, grey or RGB, whose samples are exactly those bytes. */
    static BufferedImage toImage(DecodedImage pixels) {
        int channels = pixels.channels();
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        int height = pixels.height();
        int width = pixels.width();
        BufferedImage image = new BufferedImage(width, height,
                channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
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
     * every palette entry is grey; those count as grey, so a grey GIF fits a grey catalog.
     */
    private static int colourChannels(ColorModel model) {
        if (model instanceof IndexColorModel palette) {
            for (int i = 0; i < palette.getMapSize(); i++) {
                int red = palette.getRed(i);
                if (red != palette.getGreen(i) || red != palette.getBlue(i)) {
                    return 3;
                }
            }
            return 1;
        }
        return model.getNumColorComponents();
    }

    private static boolean isComponentGrey(ColorModel model) {
        return !(model instanceof IndexColorModel) && model.getColorSpace().getType() == ColorSpace.TYPE_GRAY;
    }

    /**
     * Grey samples are read directly: going through getRGB would apply Java2D's linear-grey to
     * sRGB conversion and brighten mid tones.
     */
    private static DecodedImage greySamples(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        int max = (1 << image.getColorModel().getComponentSize(0)) - 1;
        Raster raster = image.getRaster();
        byte[] out = new byte[height * width];
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            raster.getSamples(0, y, width, 1, 0, row);
            for (int x = 0; x < width; x++) {
                out[y * width + x] = (byte) (max == 255 ? row[x] : (row[x] * 255 + max / 2) / max);
            }
        }
        return new DecodedImage(1, height, width, out);
    }

    private static DecodedImage fromRgb(BufferedImage image, int channels) {
        int width = image.getWidth();
        int height = image.getHeight();
        int plane = height * width;
        byte[] out = new byte[channels * plane];
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            image.getRGB(0, y, width, 1, row, 0, width);
            for (int x = 0; x < width; x++) {
                int red = (row[x] >> 16) & 0xff;
                int green = (row[x] >> 8) & 0xff;
                int blue = row[x] & 0xff;
                int at = y * width + x;
                if (channels == 1) {
                    // ITU-R BT.601 luma, the weighting most greyscale datasets were made with.
                    out[at] = (byte) Math.round(0.299 * red + 0.587 * green + 0.114 * blue);
                } else {
                    out[at] = (byte) red;
                    out[plane + at] = (byte) green;
                    out[2 * plane + at] = (byte) blue;
                }
            }
        }
        return new DecodedImage(channels, height, width, out);
    }
}
