package io.streamsynth.bench.step;

import ai.djl.Device;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.train.EmbeddingModel;
import io.streamsynth.model.train.TrainingConfig;
import io.streamsynth.model.train.TrainingStep;
import java.util.Random;

/**
 * One training-step configuration ready to be timed: its own model, optimizer and a fixed P x K
 * batch of generated images (noise; the step's cost does not depend on the pixels' content).
 */
public final class StepCase implements AutoCloseable {
    private final EmbeddingModel model;
    private final TrainingStep step;
    private final float[] pixels;
    private final int[] labels;

    public StepCase(Architecture architecture, BatchShape batch, String loss, String synthesis, Device device) {
        int n = batch.size();
        labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i / batch.samplesPerClass();
        }
        pixels = new float[n * architecture.pixelsPerImage()];
        Random random = new Random(1);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextFloat();
        }
        model = new EmbeddingModel(architecture, device, 1);
        step = new TrainingStep(model, new TrainingConfig(loss, Float.NaN, synthesis, 2, "adam", 1e-4f, 0.9f, 0f));
    }

    /** One training step on the fixed batch. */
    public void run() {
        step.run(pixels, labels);
    }

    @Override
    public void close() {
        step.close();
        model.close();
    }
}
