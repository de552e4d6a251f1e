package io.streamsynth.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.streamsynth.model.checkpoint.Tensor;
import io.streamsynth.model.net.Architecture;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrainingStepTest {
    private static final Architecture SMALL = new Architecture(Architecture.Kind.CNN, 1, 16, 16, 16, 8);

    @ParameterizedTest(name = "{0} with {1} and {2}")
    @CsvSource({"triplet, none, adam", "triplet, ee, sgd", "ms, symm, adam", "contrastive, ee, adam",
        "lifted, symm, sgd", "npair, none, adam"})
    void lossFallsOverStepsOnSeparableClasses(String loss, String synthesis, String optimizer) {
        TrainingConfig config = new TrainingConfig(loss, Float.NaN, synthesis, 2, optimizer,
                optimizer.equals("adam") ? 3e-3f : 5e-2f, 0.9f, 0f);
        try (EmbeddingModel model = new EmbeddingModel(SMALL, Device.cpu(), 1);
                TrainingStep step = new TrainingStep(model, config)) {
            Random random = new Random(2);
            int[] labels = GeneratedImages.pk(4, 4);
            double first = 0;
            double last = 0;
            for (int s = 0; s < 40; s++) {
                StepResult r = step.run(GeneratedImages.batch(labels, 16, random), labels);
                assertThat(r.step()).isEqualTo(s + 1);
                assertThat(Float.isFinite(r.loss())).isTrue();
                if (s < 5) {
                    first += r.loss() / 5;
                }
                if (s >= 35) {
                    last += r.loss() / 5;
                }
                if (!synthesis.equals("none")) {
                    assertThat(r.syntheticShare()).isBetween(0.0, 1.0);
                }
            }
            assertThat(last).as("mean loss of the last 5 steps vs the first 5").isLessThan(first * 0.8);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"adam", "sgd"})
    void restoredWeightsAndOptimizerStateContinueExactlyLikeTheOriginal(String optimizer) {
        TrainingConfig config = new TrainingConfig("triplet", Float.NaN, "ee", 2, optimizer, 1e-2f, 0.9f, 1e-4f);
        int[] labels = GeneratedImages.pk(3, 4);
        Random random = new Random(3);
        float[][] batches = new float[6][];
        for (int i = 0; i < batches.length; i++) {
            batches[i] = GeneratedImages.batch(labels, 16, random);
        }
        try (EmbeddingModel original = new EmbeddingModel(SMALL, Device.cpu(), 7);
                TrainingStep a = new TrainingStep(original, config);
                EmbeddingModel restored = new EmbeddingModel(SMALL, Device.cpu(), 99);
                TrainingStep b = new TrainingStep(restored, config)) {
            for (int i = 0; i < 3; i++) {
                a.run(batches[i], labels);
            }
            restored.importWeights(original.exportWeights());
            b.optimizer().importState(a.optimizer().exportState(), a.optimizer().steps());
            assertThat(restored.embed(batches[5], 8)).isDeepEqualTo(original.embed(batches[5], 8));
            for (int i = 3; i < 5; i++) {
                StepResult ra = a.run(batches[i], labels);
                StepResult rb = b.run(batches[i], labels);
                assertThat(rb.loss()).isEqualTo(ra.loss());
                assertThat(rb.step()).isEqualTo(ra.step());
            }
            Map<String, Tensor> wa = original.exportWeights();
            Map<String, Tensor> wb = restored.exportWeights();
            assertThat(wb.keySet()).containsExactlyElementsOf(wa.keySet());
            wa.forEach((name, t) -> assertThat(wb.get(name).data()).as(name).containsExactly(t.data()));
        }
    }

    @org.junit.jupiter.api.Test
    void trainsAndEmbedsOnAFreshThreadWherePyTorchRecordsGradientsByDefault() throws Exception {
        TrainingConfig config = new TrainingConfig("triplet", Float.NaN, "symm", 2, "adam", 1e-3f, 0.9f, 0f);
        int[] labels = GeneratedImages.pk(2, 2);
        float[] pixels = GeneratedImages.batch(labels, 16, new Random(5));
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        Thread worker = new Thread(() -> {
            try (EmbeddingModel model = new EmbeddingModel(SMALL, Device.cpu(), 1);
                    TrainingStep step = new TrainingStep(model, config)) {
                assertThat(step.run(pixels, labels).applied()).isTrue();
                assertThat(model.embed(pixels, 2)).hasNumberOfRows(4);
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        worker.start();
        worker.join();
        assertThat(failure.get()).isNull();
    }
}
