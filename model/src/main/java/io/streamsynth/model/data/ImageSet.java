package io.streamsynth.model.data;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Labelled images stored as one row-major N x C x H x W array of values in [0, 1]. The arrays are
 * shared rather than copied, because whole datasets run to hundreds of megabytes; treat them as
 * read-only.
 */
public record ImageSet(int channels, int height, int width, float[] pixels, int[] labels) {

    public ImageSet {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("image shape must be positive, got channels="
                    + channels + " height=" + height + " width=" + width);
        }
        if (pixels == null || labels == null) {
            throw new IllegalArgumentException("pixels and labels must not be null");
        }
        long expected = (long) labels.length * channels * height * width;
        if (pixels.length != expected) {
            throw new IllegalArgumentException(labels.length + " labels of " + channels + "x"
                    + height + "x" + width + " images need " + expected + " pixel values, got "
                    + pixels.length);
        }
        for (int i = 0; i < pixels.length; i++) {
            // Negated test so that NaN is rejected too.
            if (!(pixels[i] >= 0f && pixels[i] <= 1f)) {
                throw new IllegalArgumentException("pixel value " + pixels[i] + " at offset " + i
                        + " (image " + i / (channels * height * width) + ") is outside [0, 1]");
            }
        }
    }

    public int size() {
        return labels.length;
    }

    /** Values per image: channels x height x width. */
    public int imageLength() {
        return channels * height * width;
    }

    /** A copy of image i, laid out C x H x W. */
    public float[] image(int i) {
        checkIndex(i);
        int length = imageLength();
        return Arrays.copyOfRange(pixels, i * length, (i + 1) * length);
    }

    /** Image i as unsigned bytes (C x H x W), the form it is stored and sent in ({@link PixelValues#toByte}). */
    public byte[] imageBytes(int i) {
        checkIndex(i);
        return PixelValues.toBytes(pixels, i * imageLength(), imageLength());
    }

    public int label(int i) {
        checkIndex(i);
        return labels[i];
    }

    /** The images at the given indices, in that order; repeats are allowed. */
    public ImageSet subset(int[] indices) {
        int length = imageLength();
        float[] picked = new float[indices.length * length];
        int[] pickedLabels = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            checkIndex(indices[k]);
            System.arraycopy(pixels, indices[k] * length, picked, k * length, length);
            pickedLabels[k] = labels[indices[k]];
        }
        return new ImageSet(channels, height, width, picked, pickedLabels);
    }

    /** The images whose label is in {@code keep}, in their original order and with their original labels. */
    public ImageSet filterClasses(Set<Integer> keep) {
        return subset(IntStream.range(0, size())
                .filter(i -> keep.contains(labels[i]))
                .toArray());
    }

    /** Shape and size only; the default would print array identities. */
    @Override
    public String toString() {
        return "ImageSet[" + size() + " images of " + channels + "x" + height + "x" + width + "]";
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= size()) {
            throw new IndexOutOfBoundsException("image " + i + " of " + size());
        }
    }
}
