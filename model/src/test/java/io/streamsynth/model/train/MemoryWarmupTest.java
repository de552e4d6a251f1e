package io.streamsynth.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.streamsynth.model.net.Architecture;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The cross-batch memory's warm-up: steps before it are the memory-free steps, and it starts empty after. */
class MemoryWarmupTest {
    private static final Architecture SMALL = new Architecture(Architecture.Kind.CNN, 1, 16, 16, 16, 8);
    private static final TrainingConfig BASE = new TrainingConfig("ms", Float.NaN, "symm", 2, "adam", 1e-5f, 0.9f, 0f);

    /**
     * Losses of {@code steps} steps on the same seeded batches and the same initial weights (a small
     * step size keeps every loss above 0).
     */
    private static List<Float> losses(TrainingConfig config, int steps) {
        List<Float> out = new ArrayList<>();
        try (EmbeddingModel model = new EmbeddingModel(SMALL, Device.cpu(), 1);
                TrainingStep step = new TrainingStep(model, config)) {
            Random random = new Random(2);
            int[] labels = GeneratedImages.pk(3, 4);
            for (int s = 0; s < steps; s++) {
                out.add(step.run(GeneratedImages.batch(labels, 16, random), labels).loss());
            }
        }
        return out;
    }

    @Test
    void theMemoryTakesNoPartBeforeItsWarmUpEndsAndStartsEmpty() {
        List<Float> plain = losses(BASE, 5);
        List<Float> warm = losses(BASE.withMemorySize(64).withMemoryWarmupSteps(2), 5);
        List<Float> cold = losses(BASE.withMemorySize(64), 5);

        // steps 1 and 2 train without it, step 3 meets an empty memory: all three as without a memory
        assertThat(warm.subList(0, 3)).isEqualTo(plain.subList(0, 3));
        // step 4 sees step 3's embeddings
        assertThat(warm.get(3)).isNotEqualTo(plain.get(3));
        // without a warm-up the memory holds step 1's embeddings at step 2 already
        assertThat(cold.get(0)).isEqualTo(plain.get(0));
        assertThat(cold.get(1)).isNotEqualTo(plain.get(1));
    }

    @Test
    void refusesAWarmUpWithoutAMemory() {
        assertThatThrownBy(() -> BASE.withMemoryWarmupSteps(100)).isInstanceOf(InvalidSettingException.class)
                .hasMessage("memory-warmup-steps needs a cross-batch memory (memory-size above 0), got 100 with "
                        + "memory-size 0");
        assertThat(BASE.withMemoryWarmupSteps(0).memoryWarmupSteps()).isZero();
    }

    @Test
    void refusesANegativeWarmUpAndRecordsItWithTheMemory() {
        assertThatThrownBy(() -> BASE.withMemorySize(8).withMemoryWarmupSteps(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 0, got -1");
        assertThat(BASE.withMemorySize(8).withMemoryWarmupSteps(100).toMap()).containsEntry("memory_warmup_steps", 100);
        assertThat(BASE.withMemorySize(8).toMap()).doesNotContainKey("memory_warmup_steps");
    }
}
