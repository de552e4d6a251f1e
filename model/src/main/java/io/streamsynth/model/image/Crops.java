package io.streamsynth.model.image;

import io.streamsynth.model.data.DecodedImage;

/** Cutting and mirroring C x H x W images; every method returns a new image. */
public final class Crops {
    private Crops() {}

    /** Rows {@code top..top+rows-1}, columns {@code left..left+cols-1}. */
    public static DecodedImage crop(DecodedImage src, int top, int left, int rows, int cols) {
        if (top < 0 || left < 0 || rows < 1 || cols < 1 || top + rows > src.height() || left + cols > src.width()) {
            throw new IllegalArgumentException("crop " + rows + "x" + cols + " at (" + top + ", " + left
                    + ") is not inside " + src.height() + "x" + src.width());
        }
        byte[] out = new byte[src.channels() * rows * cols];
        for (int c = 0; c < src.channels(); c++) {
            for (int y = 0; y < rows; y++) {
                System.arraycopy(src.pixels(), (c * src.height() + top + y) * src.width() + left, out,
                        (c * rows + y) * cols, cols);
            }
        }
        return new DecodedImage(src.channels(), rows, cols, out);
    }

    /**
     * torchvision's {@code CenterCrop(side)} of an image at least that large: top
     * {@code round((h - side) / 2)}, left {@code round((w - side) / 2)}, Python's round (half to even).
     */
    public static DecodedImage center(DecodedImage src, int side) {
        return crop(src, centerOffset(src.height(), side), centerOffset(src.width(), side), side, side);
    }

    /** {@code round((length - side) / 2)} with Python's rounding, half to even. */
    public static int centerOffset(int length, int side) {
        return (int) Math.rint((length - side) / 2.0);
    }

    /** Mirrored left to right. */
    public static DecodedImage flipHorizontally(DecodedImage src) {
        int w = src.width();
        byte[] in = src.pixels();
        byte[] out = new byte[in.length];
        for (int row = 0; row < src.channels() * src.height(); row++) {
            int base = row * w;
            for (int x = 0; x < w; x++) {
                out[base + x] = in[base + w - 1 - x];
            }
        }
        return new DecodedImage(src.channels(), src.height(), w, out);
    }
}
