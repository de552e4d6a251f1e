package io.streamsynth.model.data;

/**
 * A decoded image as unsigned bytes, row-major C x H x W. The array is handed over, not copied:
 * images flow through the pipeline once and copying each would double the garbage.
 */
public record DecodedImage(int channels, int height, int width, byte[] pixels) {

    public DecodedImage {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("image shape must be positive, got channels=" + channels
                    + " height=" + height + " width=" + width);
        }
        if (pixels == null || pixels.length != (long) channels * height * width) {
            throw new IllegalArgumentException("a " + channels + "x" + height + "x" + width + " image needs "
                    + (long) channels * height * width + " pixel bytes, got "
                    + (pixels == null ? "null" : pixels.length));
        }
    }
}
