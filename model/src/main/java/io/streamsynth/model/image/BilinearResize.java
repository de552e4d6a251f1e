package io.streamsynth.model.image;

import io.streamsynth.model.data.DecodedImage;

/**
 * Bilinear resizing as torchvision's {@code Resize} does it on uint8 tensors (torchvision 0.14,
 * {@code antialias=False}): PyTorch's {@code interpolate(mode="bilinear", align_corners=False)} in
 * float32, then rounded half to even back to uint8.
 *
 * <p>Source coordinate of output pixel {@code x}: {@code max(0, (x + 0.5) * in/out - 0.5)}; the two
 * neighbours are its integer part and the next pixel (the last pixel repeats at the edge), weighted
 * by the fractional part. Only a window of the resized image is computed, so a 10000 x 10 strip
 * resized to a shorter side of 256 costs the window, not the 256000-pixel-long whole.
 */
public final class BilinearResize {
    private BilinearResize() {}

    /**
     * torchvision's output size for {@code Resize(s)}: the shorter side becomes {@code s}, the longer
     * {@code int(s * long / short)} (truncated), as {@code {height, width}}.
     */
    public static int[] shorterSideTo(int height, int width, int s) {
        if (height < 1 || width < 1 || s < 1) {
            throw new IllegalArgumentException("sizes must be positive, got " + height + "x" + width + " to " + s);
        }
        if (width <= height) {
            return new int[] {(int) ((double) s * height / width), s};
        }
        return new int[] {s, (int) ((double) s * width / height)};
    }

    /** The whole image resized to {@code outHeight x outWidth}. */
    public static DecodedImage resize(DecodedImage src, int outHeight, int outWidth) {
        return window(src, outHeight, outWidth, 0, 0, outHeight, outWidth);
    }

    /**
     * Rows {@code top..top+rows-1} and columns {@code left..left+cols-1} of {@code src} resized to
     * {@code outHeight x outWidth}, C x rows x cols. Equal sizes give the image unchanged.
     *
     * @throws IllegalArgumentException if the window is not inside the resized image
     */
    public static DecodedImage window(DecodedImage src, int outHeight, int outWidth, int top, int left, int rows,
            int cols) {
        if (top < 0 || left < 0 || rows < 1 || cols < 1 || top + rows > outHeight || left + cols > outWidth) {
            throw new IllegalArgumentException("window " + rows + "x" + cols + " at (" + top + ", " + left
                    + ") is not inside " + outHeight + "x" + outWidth);
        }
        int inH = src.height();
        int inW = src.width();
        Axis ys = Axis.of(inH, outHeight, top, rows);
        Axis xs = Axis.of(inW, outWidth, left, cols);
        byte[] in = src.pixels();
        byte[] out = new byte[src.channels() * rows * cols];
        for (int c = 0; c < src.channels(); c++) {
            int plane = c * inH * inW;
            int outPlane = c * rows * cols;
            for (int y = 0; y < rows; y++) {
                int row0 = plane + ys.first[y] * inW;
                int row1 = plane + ys.second[y] * inW;
                float h0 = ys.weight0[y];
                float h1 = ys.weight1[y];
                for (int x = 0; x < cols; x++) {
                    int x0 = xs.first[x];
                    int x1 = xs.second[x];
                    float w0 = xs.weight0[x];
                    float w1 = xs.weight1[x];
                    float value = h0 * (w0 * (in[row0 + x0] & 0xff) + w1 * (in[row0 + x1] & 0xff))
                            + h1 * (w0 * (in[row1 + x0] & 0xff) + w1 * (in[row1 + x1] & 0xff));
                    out[outPlane + y * cols + x] = (byte) Math.min(255, Math.max(0, (int) Math.rint(value)));
                }
            }
        }
        return new DecodedImage(src.channels(), rows, cols, out);
    }

    /** Neighbours and weights along one axis, for the output positions of the window. */
    private record Axis(int[] first, int[] second, float[] weight0, float[] weight1) {
        static Axis of(int in, int out, int from, int count) {
            int[] first = new int[count];
            int[] second = new int[count];
            float[] w0 = new float[count];
            float[] w1 = new float[count];
            // PyTorch computes the scale and the source index in float for float32 input
            float scale = (float) in / out;
            for (int i = 0; i < count; i++) {
                float source = scale * (from + i + 0.5f) - 0.5f;
                if (source < 0) {
                    source = 0;
                }
                int index = (int) source;
                float lambda = Math.min(Math.max(source - index, 0f), 1f);
                first[i] = index;
                second[i] = index < in - 1 ? index + 1 : index;
                w0[i] = 1f - lambda;
                w1[i] = lambda;
            }
            return new Axis(first, second, w0, w1);
        }
    }
}
