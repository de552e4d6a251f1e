package io.streamsynth.model.data;

/**
 * An 8-bit pixel value and its unit-range float, the two forms an image takes in this project: bytes
 * where it is stored or sent (0..255, unsigned), floats in [0, 1] where it is computed on (torchvision's
 * {@code ToTensor} divides by 255 the same way). Every conversion between the two goes through here.
 */
public final class PixelValues {
    private PixelValues() {}

    /** An unsigned byte as a float in [0, 1]: {@code (b & 0xff) / 255}, in float32. */
    public static float unit(byte value) {
        return (value & 0xff) / 255f;
    }

    /**
     * A sample of 0..255 (e.g. from a {@code java.awt.image.Raster}) as a float in [0, 1].
     *
     * @throws IllegalArgumentException when the sample lies outside 0..255
     */
    public static float unit(int sample) {
        if (sample < 0 || sample > 255) {
            throw new IllegalArgumentException("an 8-bit sample lies in 0..255, got " + sample);
        }
        return sample / 255f;
    }

    /**
     * A unit-range float as the nearest unsigned byte, {@code round(v * 255)}; values outside [0, 1]
     * are clamped, so a float that went slightly past 1 in arithmetic still stores as 255.
     */
    public static byte toByte(float value) {
        return (byte) Math.max(0, Math.min(255, Math.round(value * 255f)));
    }

    /** {@link #unit(byte)} of every byte. */
    public static float[] unit(byte[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = unit(values[i]);
        }
        return out;
    }

    /** {@link #toByte} of {@code count} floats from {@code offset}. */
    public static byte[] toBytes(float[] values, int offset, int count) {
        byte[] out = new byte[count];
        for (int i = 0; i < count; i++) {
            out[i] = toByte(values[offset + i]);
        }
        return out;
    }
}
