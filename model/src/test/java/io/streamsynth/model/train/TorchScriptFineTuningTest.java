package io.streamsynth.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.streamsynth.model.checkpoint.Checkpoint;
import io.streamsynth.model.checkpoint.SafeTensors;
import io.streamsynth.model.checkpoint.Tensor;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.net.EmbeddingNet;
import io.streamsynth.model.net.TorchScriptFixtures;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Training steps through a TorchScript backbone (grey_pooled.pt, 1 x 28 x 28) with our head. */
class TorchScriptFineTuningTest {
    private static final int[] LABELS = GeneratedImages.pk(4, 4);
    private static final int STEPS = 8;

    private static Architecture grey() throws Exception {
        return TorchScriptFixtures.architecture(TorchScriptFixtures.GREY, 1, 28, 16, Architecture.Pooling.AVG);
    }

    private static EmbeddingModel model() throws Exception {
        return new EmbeddingModel(grey(), Device.cpu(), 1, TorchScriptFixtures.file(TorchScriptFixtures.GREY));
    }

    private static TrainingConfig config(String synthesis, FineTuning f) {
        return new TrainingConfig("triplet", 0.2f, synthesis, 2, "adam", 1e-2f, 0.9f, 0f).withFineTuning(f);
    }

    private static boolean changed(Map<String, Tensor> before, Map<String, Tensor> after, String name) {
        return !java.util.Arrays.equals(before.get(name).data(), after.get(name).data());
    }

    /** The same batch again and again: the loss on it must fall, and the backbone's weights must move. */
    @ParameterizedTest
    @ValueSource(strings = {"ee", "symm"})
    void stepsLowerTheLossAndMoveTheBackbone(String synthesis) throws Exception {
        float[] pixels = GeneratedImages.batch(LABELS, 28, new Random(5));
        try (EmbeddingModel model = model();
                TrainingStep step = new TrainingStep(model, config(synthesis, FineTuning.none()))) {
            Map<String, Tensor> before = model.exportWeights();
            float first = step.run(pixels, LABELS).loss();
            float last = first;
            for (int s = 1; s < STEPS; s++) {
                last = step.run(pixels, LABELS).loss();
            }
            Map<String, Tensor> after = model.exportWeights();

            assertThat(first).isPositive();
            assertThat(last).as("loss after " + STEPS + " steps, from " + first).isLessThan(0.8f * first);
            for (String name : before.keySet()) {
                assertThat(changed(before, after, name)).as(name).isTrue();
            }
        }
    }

    @Test
    void frozenBackboneStepsCoveringTheRunTrainOnlyTheHead() throws Exception {
        float[] pixels = GeneratedImages.batch(LABELS, 28, new Random(5));
        try (EmbeddingModel model = model();
                TrainingStep step = new TrainingStep(model, config("symm", new FineTuning(1f, false, STEPS)))) {
            Map<String, Tensor> before = model.exportWeights();
            for (int s = 0; s < STEPS; s++) {
                step.run(pixels, LABELS);
            }
            Map<String, Tensor> after = model.exportWeights();

            before.keySet().forEach(name -> assertThat(changed(before, after, name)).as(name)
                    .isEqualTo(EmbeddingNet.isHead(name)));
            step.run(pixels, LABELS);
            assertThat(changed(after, model.exportWeights(), "body.0.weight")).as("after the warm-up").isTrue();
        }
    }

    @Test
    void frozenBatchNormKeepsTheNormalisationAffineParameters() throws Exception {
        float[] pixels = GeneratedImages.batch(LABELS, 28, new Random(5));
        try (EmbeddingModel model = model();
                TrainingStep step = new TrainingStep(model, config("ee", new FineTuning(1f, true, 0)))) {
            Map<String, Tensor> before = model.exportWeights();
            for (int s = 0; s < 3; s++) {
                step.run(pixels, LABELS);
            }
            Map<String, Tensor> after = model.exportWeights();

            for (String name : before.keySet()) {
                boolean norm = name.startsWith("body.1.") || name.startsWith("body.5.");
                assertThat(changed(before, after, name)).as(name).isEqualTo(!norm);
            }
        }
    }

    /** Adam's first step moves each weight by about its learning rate: the backbone's is a tenth of the head's. */
    @Test
    void backboneLearnsAtItsFactorOfTheHeadsRate() throws Exception {
        float[] pixels = GeneratedImages.batch(LABELS, 28, new Random(5));
        try (EmbeddingModel model = model();
                TrainingStep step = new TrainingStep(model, config("none", new FineTuning(0.1f, false, 0)))) {
            Map<String, Tensor> before = model.exportWeights();
            step.run(pixels, LABELS);
            Map<String, Tensor> after = model.exportWeights();

            assertThat(largestChange(before, after, "fc.weight")).isBetween(0.98e-2f, 1.02e-2f);
            assertThat(largestChange(before, after, "body.0.weight")).isBetween(0.98e-3f, 1.02e-3f);
        }
    }

    private static float largestChange(Map<String, Tensor> before, Map<String, Tensor> after, String name) {
        float[] a = before.get(name).data();
        float[] b = after.get(name).data();
        float worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst;
    }

    /**
     * A checkpoint holds the module's parameters under its own names; a fresh load of the same file with
     * them copied in embeds exactly as the trained model, and a model without the file is refused.
     */
    @Test
    void checkpointRebuildsTheTrainedModelFromAFreshLoadOfTheModule() throws Exception {
        float[] pixels = GeneratedImages.batch(LABELS, 28, new Random(5));
        TrainingConfig config = config("ee", FineTuning.none());
        try (EmbeddingModel model = model(); TrainingStep step = new TrainingStep(model, config)) {
            for (int s = 0; s < 3; s++) {
                step.run(pixels, LABELS);
            }
            Checkpoint checkpoint = ModelCheckpoints.snapshot(step, config, "c", 1, Map.of());
            assertThat(checkpoint.metadata().architecture()).containsEntry("kind", "torchscript")
                    .containsEntry("backbone_features", 32).containsEntry("backbone_output", "features")
                    .containsEntry("backbone_sha256", TorchScriptFixtures.file(TorchScriptFixtures.GREY).sha256());
            assertThat(SafeTensors.read(checkpoint.weights()).tensors()).containsKeys("body.0.weight", "fc.bias");

            try (EmbeddingModel loaded = ModelCheckpoints.loadModel(checkpoint, Device.cpu(),
                    TorchScriptFixtures.file(TorchScriptFixtures.GREY))) {
                float[][] expected = model.embed(pixels, 16);
                float[][] actual = loaded.embed(pixels, 16);
                for (int i = 0; i < expected.length; i++) {
                    assertThat(actual[i]).containsExactly(expected[i]);
                }
            }
            try (EmbeddingModel fresh = model(); TrainingStep resumed = new TrainingStep(fresh, config)) {
                ModelCheckpoints.restore(checkpoint, resumed);
                assertThat(fresh.exportWeights().get("body.8.weight").data())
                        .containsExactly(model.exportWeights().get("body.8.weight").data());
                assertThat(resumed.optimizer().steps()).isEqualTo(3);
            }
            assertThatThrownBy(() -> ModelCheckpoints.loadModel(checkpoint, Device.cpu()))
                    .hasMessageContaining("its .pt file is needed");
        }
    }
}
