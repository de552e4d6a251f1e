package io.streamsynth.bench.streamoffline;

import ai.djl.Device;
import io.streamsynth.model.data.DecodedImage;
import io.streamsynth.model.image.ImageSpec;
import io.streamsynth.model.image.InputBatch;
import io.streamsynth.model.image.Preprocessing;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.train.EmbeddingModel;
import io.streamsynth.model.train.StepResult;
import io.streamsynth.model.train.TrainingConfig;
import io.streamsynth.model.train.TrainingStep;
import io.streamsynth.operators.types.TrainerInput;
import java.util.Arrays;
import java.util.List;

/**
 * The offline loop over given batches: a model from the seed, one {@link TrainingStep} per batch, as
 * {@code offline} trains on the batches its sampler draws. The batches' stored squares become network
 * inputs through {@link InputBatch} and the catalog's {@link Preprocessing}, the conversion the
 * streaming trainer uses, so both sides feed the network the same numbers and number labels alike
 * (0, 1, ... in order of first appearance).
 *
 * <p>Without augmentation only: the streaming trainer draws its crops and flips from a salted stream
 * of its own, and a comparison of two augmented runs would compare two draws, not two loops.
 */
public final class ReplayTraining implements AutoCloseable {
    private final ImageSpec image;
    private final Preprocessing preprocessing;
    private final EmbeddingModel model;
    private final TrainingStep step;
    private double lossSum;
    private int steps;

    /**
     * @throws IllegalArgumentException when {@code image} augments
     */
    public ReplayTraining(Architecture architecture, TrainingConfig training, ImageSpec image, long seed,
            Device device) {
        if (image.augment()) {
            throw new IllegalArgumentException("the replay trains without augmentation; run the comparison with "
                    + "--augment false");
        }
        this.image = image;
        this.preprocessing = new Preprocessing(image);
        this.model = new EmbeddingModel(architecture, device, seed);
        try {
            this.step = new TrainingStep(model, training);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** One step per batch, in order. */
    public void train(List<TrainerInput> batches) {
        for (TrainerInput batch : batches) {
            InputBatch in = inputs(batch);
            StepResult r = step.run(in.pixels(), in.labels());
            lossSum += r.loss();
            steps++;
        }
    }

    /** Raw C x S x S squares to normalised network inputs, as the streaming trainer converts them. */
    InputBatch inputs(TrainerInput batch) {
        int stored = image.storedPixels();
        InputBatch.Builder inputs = InputBatch.builder(preprocessing, batch.count());
        for (int n = 0; n < batch.count(); n++) {
            DecodedImage square = new DecodedImage(image.channels(), image.resize(), image.resize(),
                    Arrays.copyOfRange(batch.pixels, n * stored, (n + 1) * stored));
            // no augmentation, so the random source is never drawn from
            inputs.addForTraining(square, null, batch.labels[n]);
        }
        return inputs.build();
    }

    public TrainingStep step() {
        return step;
    }

    public EmbeddingModel model() {
        return model;
    }

    public int steps() {
        return steps;
    }

    /** Mean loss over the steps taken; NaN before the first. */
    public double meanLoss() {
        return steps == 0 ? Double.NaN : lossSum / steps;
    }

    @Override
    public void close() {
        step.close();
        model.close();
    }
}
