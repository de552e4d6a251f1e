package io.streamsynth.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.streamsynth.model.checkpoint.Tensor;
import io.streamsynth.model.net.Architecture;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FineTuningTest {
    private static final Architecture SMALL = new Architecture(Architecture.Kind.CNN, 1, 16, 16, 16, 8);
    private static final float LR = 1e-3f;
    private static final int[] LABELS = GeneratedImages.pk(4, 4);

    private static TrainingConfig adam(FineTuning f) {
        return new TrainingConfig("triplet", Float.NaN, "ee", 2, "adam", LR, 0.9f, 0f).withFineTuning(f);
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

    /** Adam's first step moves every weight with a gradient by its learning rate (up to float rounding of the weight). */
    @Test
    void backboneLearnsAtItsFactorOfTheHeadsRate() {
        try (EmbeddingModel model = new EmbeddingModel(SMALL, Device.cpu(), 1);
                TrainingStep step = new TrainingStep(model, adam(new FineTuning(0.1f, false, 0)))) {
            Map<String, Tensor> before = model.exportWeights();
            step.run(GeneratedImages.batch(LABELS, 16, new Random(3)), LABELS);
            Map<String, Tensor> after = model.exportWeights();

            assertThat(largestChange(before, after, "fc.weight")).isBetween(0.98f * LR, 1.02f * LR);
            assertThat(largestChange(before, after, "conv1.weight")).isBetween(0.098f * LR, 0.102f * LR);
            assertThat(largestChange(before, after, "bn2.weight")).isBetween(0.098f * LR, 0.102f * LR);
        }
    }

    @Test
    void frozenBatchNormKeepsStatisticsAndAffineParametersWhileConvolutionsTrain() {
        try (EmbeddingModel model = new EmbeddingModel(SMALL, Device.cpu(), 1);
                TrainingStep step = new TrainingStep(model, adam(new FineTuning(1f, true, 0)))) {
            Map<String, Tensor> before = model.exportWeights();
            Random random = new Random(3);
            for (int s = 0; s < 3; s++) {
                step.run(GeneratedImages.batch(LABELS, 16, random), LABELS);
            }
            Map<String, Tensor> after = model.exportWeights();

            before.forEach((name, t) -> {
                if (name.startsWith("bn")) {
                    assertThat(after.get(name)).as(name).isEqualTo(t);
                } else {
                    assertThat(after.get(name)).as(name).isNotEqualTo(t);
                }
            });
        }
    }

    @Test
    void frozenBackboneStepsTrainTheHeadAloneThenEverything() {
        try (EmbeddingModel model = new EmbeddingModel(SMALL, Device.cpu(), 1);
                TrainingStep step = new TrainingStep(model, adam(new FineTuning(1f, false, 2)))) {
            Map<String, Tensor> before = model.exportWeights();
            Random random = new Random(3);
            step.run(GeneratedImages.batch(LABELS, 16, random), LABELS);
            step.run(GeneratedImages.batch(LABELS, 16, random), LABELS);
            Map<String, Tensor> warm = model.exportWeights();
            step.run(GeneratedImages.batch(LABELS, 16, random), LABELS);
            Map<String, Tensor> thawed = model.exportWeights();

            before.forEach((name, t) -> {
                if (name.startsWith("fc.")) {
                    assertThat(warm.get(name)).as(name + " during the warm-up").isNotEqualTo(t);
                } else {
                    assertThat(warm.get(name)).as(name + " during the warm-up").isEqualTo(t);
                    // running statistics included: the frozen backbone ran in inference mode
                    assertThat(thawed.get(name)).as(name + " after the warm-up").isNotEqualTo(t);
                }
            });
        }
    }

    @Test
    void settingsOutOfRangeAreRejected() {
        assertThatThrownBy(() -> new FineTuning(0f, false, 0)).hasMessageContaining("backbone-lr-factor must be in (0, 1]");
        assertThatThrownBy(() -> new FineTuning(1.5f, false, 0)).hasMessageContaining("got 1.5");
        assertThatThrownBy(() -> new FineTuning(1f, false, -1)).hasMessageContaining("freeze-backbone-steps");
    }
}
