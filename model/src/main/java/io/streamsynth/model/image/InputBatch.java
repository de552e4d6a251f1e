package io.streamsynth.model.image;

import io.streamsynth.model.data.DecodedImage;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * The network's input for a batch of stored images: the one place where stored squares and their
 * labels become the tensors a training step, an evaluation or an embedding pass consumes.
 *
 * <p>{@link #pixels()} is N x C x crop x crop float32, each image cropped as the mode says (center
 * crop to embed or evaluate; random resized crop and flip to train when the spec augments, see
 * {@link Preprocessing}) and normalised per channel, {@code (x / 255 - mean[c]) / std[c]}.
 * {@link #labels()} numbers the distinct labels 0, 1, ... in order of first appearance (a loss only
 * compares them); {@link #classes()} is how many there were.
 */
public final class InputBatch {
    private final float[] pixels;
    private final int[] labels;
    private final int classes;

    private InputBatch(float[] pixels, int[] labels, int classes) {
        this.pixels = pixels;
        this.labels = labels;
        this.classes = classes;
    }

    /** N x C x crop x crop normalised floats. */
    public float[] pixels() {
        return pixels;
    }

    /** The label of each image as a dense id; all 0 for images added without one. */
    public int[] labels() {
        return labels;
    }

    /** Distinct labels among the images. */
    public int classes() {
        return classes;
    }

    /** Collects exactly {@code count} images, in order. */
    public static Builder builder(Preprocessing preprocessing, int count) {
        return new Builder(preprocessing, count);
    }

    /** Fills one batch; not reusable after {@link #build}. */
    public static final class Builder {
        private final Preprocessing preprocessing;
        private final int per;
        private final float[] pixels;
        private final int[] labels;
        private final Map<String, Integer> ids = new HashMap<>();
        private int added;

        private Builder(Preprocessing preprocessing, int count) {
            if (preprocessing == null || count < 0) {
                throw new IllegalArgumentException("a preprocessing and a non-negative count are needed, got "
                        + preprocessing + " and " + count);
            }
            this.preprocessing = preprocessing;
            this.per = preprocessing.spec().inputPixels();
            this.pixels = new float[count * per];
            this.labels = new int[count];
        }

        /**
         * Adds a stored square (C x S x S) as embedding and evaluation see it: its center crop.
         *
         * @param label the image's class, or null where none matters (embedding)
         * @throws IllegalStateException when the batch is full
         * @throws IllegalArgumentException when the image does not have the spec's channels
         */
        public Builder addForEmbedding(DecodedImage square, String label) {
            return add(preprocessing.forEmbedding(square), label);
        }

        /**
         * Adds a stored square as a training step sees it: augmented with {@code random} when the spec
         * says so, else its center crop.
         */
        public Builder addForTraining(DecodedImage square, Random random, String label) {
            return add(preprocessing.forTraining(square, random), label);
        }

        private Builder add(DecodedImage input, String label) {
            if (added == labels.length) {
                throw new IllegalStateException("the batch holds " + labels.length + " images already");
            }
            preprocessing.normalize(input, pixels, added * per);
            if (label != null) {
                labels[added] = ids.computeIfAbsent(label, l -> ids.size());
            }
            added++;
            return this;
        }

        /**
         * @throws IllegalStateException when fewer images were added than the batch was built for
         */
        public InputBatch build() {
            if (added != labels.length) {
                throw new IllegalStateException("the batch was built for " + labels.length + " images, "
                        + added + " were added");
            }
            return new InputBatch(pixels, labels, ids.size());
        }
    }
}
