package io.streamsynth.model.image;

import io.streamsynth.model.data.DecodedImage;
import io.streamsynth.model.data.PixelValues;
import java.util.Random;

/**
 * One catalog's {@link ImageSpec} applied: from a decoded image to the stored square, and from the
 * stored square to the network's input (center crop for embedding and evaluation, random resized
 * crop and flip for training), and from bytes to normalised floats. The one home of the conversion
 * from pixels to tensors' values.
 */
public final class Preprocessing {
    private final ImageSpec spec;
    private final float[] mean;
    private final float[] scale;

    public Preprocessing(ImageSpec spec) {
        if (spec == null) {
            throw new IllegalArgumentException("spec must not be null");
        }
        this.spec = spec;
        this.mean = new float[spec.channels()];
        this.scale = new float[spec.channels()];
        for (int c = 0; c < spec.channels(); c++) {
            mean[c] = spec.mean().get(c).floatValue();
            scale[c] = spec.std().get(c).floatValue();
        }
    }

    public ImageSpec spec() {
        return spec;
    }

    /**
     * The decoded image resized so its shorter side is S, and of that the S x S square whose center
     * crop is exactly torchvision's {@code CenterCrop(C)} of the whole resized image: the square's
     * offset is {@code round((L - C) / 2) - round((S - C) / 2)} along the longer side L.
     *
     * @throws IllegalArgumentException if the image does not have the spec's channels
     */
    public DecodedImage toSquare(DecodedImage decoded) {
        requireChannels(decoded);
        int s = spec.resize();
        int c = spec.crop();
        int[] size = BilinearResize.shorterSideTo(decoded.height(), decoded.width(), s);
        int top = Crops.centerOffset(size[0], c) - Crops.centerOffset(s, c);
        int left = Crops.centerOffset(size[1], c) - Crops.centerOffset(s, c);
        return BilinearResize.window(decoded, size[0], size[1], top, left, s, s);
    }

    /** {@link #toSquare} as the compact bytes kept in state ({@link StoredImage}). */
    public byte[] store(DecodedImage decoded) {
        return StoredImage.encode(toSquare(decoded), spec.storeQuality());
    }

    /** The stored square's pixels back, C x S x S. */
    public DecodedImage restore(byte[] stored) {
        return StoredImage.decode(stored, spec.channels(), spec.resize(), spec.resize());
    }

    /** Input for embedding and evaluation: the center C x C of the stored square. */
    public DecodedImage forEmbedding(DecodedImage square) {
        return Crops.center(square, spec.crop());
    }

    /** Input for a training step: augmented when the spec says so, else as for embedding. */
    public DecodedImage forTraining(DecodedImage square, Random random) {
        return spec.augment() ? RandomResizedCrop.apply(square, spec.crop(), random) : forEmbedding(square);
    }

    /**
     * Writes {@code (x / 255 - mean[c]) / std[c]} for every value of {@code input}, C x H x W, into
     * {@code out} from {@code offset}, in float32 as torchvision's {@code Normalize} computes it.
     */
    public void normalize(DecodedImage input, float[] out, int offset) {
        requireChannels(input);
        int plane = input.height() * input.width();
        byte[] pixels = input.pixels();
        for (int c = 0; c < input.channels(); c++) {
            float m = mean[c];
            float s = scale[c];
            int base = c * plane;
            for (int i = 0; i < plane; i++) {
                out[offset + base + i] = (PixelValues.unit(pixels[base + i]) - m) / s;
            }
        }
    }

    private void requireChannels(DecodedImage image) {
        if (image.channels() != spec.channels()) {
            throw new IllegalArgumentException("image has " + image.channels() + " channel(s), the spec "
                    + spec.channels());
        }
    }
}
