package io.streamsynth.bench.growing;

import java.util.Random;

/**
 * New items from a fixed pool of images: copy {@code c} of a pool image is the image itself for
 * {@code c = 0}; for later copies it is mirrored left to right on odd copies and shifted by a
 * seeded offset of up to {@link #MAX_SHIFT} pixels in each direction, the gap filled with 0 (the
 * black background of Fashion-MNIST). A growing run cycles through the pool this way, so no two of
 * its items are byte-identical while every one still looks like a garment of its class.
 */
public final class AugmentedCopies {
    /** Largest shift in pixels, per axis. */
    public static final int MAX_SHIFT = 2;

    private AugmentedCopies() {}

    /**
     * @param pixels one image, channels x height x width unsigned bytes
     * @param copy   0 for the original, 1, 2, ... for the copies
     * @param seed   with {@code copy}, picks the shift: the same arguments give the same image
     * @return a new array of the same shape
     * @throws IllegalArgumentException when the array does not hold channels x height x width bytes or copy < 0
     */
    public static byte[] copy(byte[] pixels, int channels, int height, int width, int copy, long seed) {
        if (pixels.length != channels * height * width || copy < 0) {
            throw new IllegalArgumentException("need " + channels + "x" + height + "x" + width
                    + " bytes and copy >= 0, got " + pixels.length + " bytes, copy " + copy);
        }
        if (copy == 0) {
            return pixels.clone();
        }
        int[] d = shift(copy, seed);
        int dx = d[0];
        int dy = d[1];
        boolean mirror = copy % 2 == 1;
        byte[] out = new byte[pixels.length];
        for (int c = 0; c < channels; c++) {
            int plane = c * height * width;
            for (int y = 0; y < height; y++) {
                int sy = y - dy;
                if (sy < 0 || sy >= height) {
                    continue;
                }
                for (int x = 0; x < width; x++) {
                    int sx = x - dx;
                    if (sx < 0 || sx >= width) {
                        continue;
                    }
                    int from = mirror ? width - 1 - sx : sx;
                    out[plane + y * width + x] = pixels[plane + sy * width + from];
                }
            }
        }
        return out;
    }

    /** The shift of {@code copy} as {dx, dy}: where a pixel of the (mirrored) image moves to. */
    static int[] shift(int copy, long seed) {
        Random random = new Random(seed * 1_000_003L + copy);
        int dx = random.nextInt(2 * MAX_SHIFT + 1) - MAX_SHIFT;
        int dy = random.nextInt(2 * MAX_SHIFT + 1) - MAX_SHIFT;
        return new int[] {dx, dy};
    }
}
