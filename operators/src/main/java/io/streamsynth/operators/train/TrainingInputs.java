package io.streamsynth.operators.train;

import io.streamsynth.model.data.DecodedImage;
import io.streamsynth.model.image.ImageSpec;
import io.streamsynth.model.image.InputBatch;
import io.streamsynth.model.image.Preprocessing;
import io.streamsynth.operators.batch.BatchComposer;
import io.streamsynth.operators.types.TrainerInput;
import java.util.Arrays;
import java.util.Random;

/**
 * One catalog's trainer inputs checked against its {@link ImageSpec} and turned into the network's
 * input ({@link InputBatch}): stored squares C x S x S (S = {@link ImageSpec#resize()}), bytes 0-255.
 */
final class TrainingInputs {
    /** Keeps the augmentation's random numbers apart from the batch builder's, drawn from the same seed. */
    private static final long AUGMENTATION_SALT = 0x6175676d656e74L; // "augment"

    private final String catalog;
    private final ImageSpec spec;
    private final long seed;
    private final Preprocessing preprocessing;

    TrainingInputs(String catalog, ImageSpec spec, long seed) {
        this.catalog = catalog;
        this.spec = spec;
        this.seed = seed;
        this.preprocessing = new Preprocessing(spec);
    }

    /** The catalog's preprocessing, also used to evaluate on the held-out set. */
    Preprocessing preprocessing() {
        return preprocessing;
    }

    /**
     * Inputs carry stored squares, C x S x S; batches raw, held-out samples as stored.
     *
     * @throws IllegalArgumentException naming both shapes when they differ, or when a batch's pixel
     *     bytes are not count x C x S x S
     */
    void requireShape(TrainerInput in) {
        if (in.channels != spec.channels() || in.height != spec.resize() || in.width != spec.resize()) {
            throw new IllegalArgumentException("catalog '" + catalog + "' stores " + spec.channels() + "x"
                    + spec.resize() + "x" + spec.resize() + " images, got " + in.channels + "x" + in.height + "x"
                    + in.width);
        }
        if (in.kind == TrainerInput.BATCH && in.pixels.length != (long) in.count() * spec.storedPixels()) {
            throw new IllegalArgumentException("input of " + in.count() + " images carries " + in.pixels.length
                    + " pixel bytes");
        }
    }

    /**
     * The batch's stored squares as the network's input: augmented (random resized crop and flip)
     * when the spec says so, with random choices from (seed, catalog, batch number) so a restored job
     * trains on the same crops; then normalised. The batch's shape must have been checked.
     */
    InputBatch forTraining(TrainerInput batch) {
        int stored = spec.storedPixels();
        Random random = BatchComposer.randomFor(seed ^ AUGMENTATION_SALT, catalog, batch.batchNumber);
        InputBatch.Builder inputs = InputBatch.builder(preprocessing, batch.count());
        for (int n = 0; n < batch.count(); n++) {
            DecodedImage square = new DecodedImage(spec.channels(), spec.resize(), spec.resize(),
                    Arrays.copyOfRange(batch.pixels, n * stored, (n + 1) * stored));
            inputs.addForTraining(square, random, batch.labels[n]);
        }
        return inputs.build();
    }
}
