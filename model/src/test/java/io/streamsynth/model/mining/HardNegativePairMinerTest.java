package io.streamsynth.model.mining;

import static io.streamsynth.model.Vectors.unit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.streamsynth.model.runtime.TorchRuntime;
import io.streamsynth.model.synthesis.EmbeddingExpansion;
import io.streamsynth.model.synthesis.NoSynthesis;
import io.streamsynth.model.synthesis.Synthesis;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HardNegativePairMinerTest {
    private final NDManager manager = TorchRuntime.engine().newBaseManager();
    private final HardNegativePairMiner miner = new HardNegativePairMiner();

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void withoutSynthesisTheMinedNegativesAreThePlainSimilarities() {
        float[][] e = {unit(1, 0), unit(0.8, 0.6), unit(0, 1), unit(-0.6, 0.8)};
        int[] labels = {0, 0, 1, 1};
        MinedPairs p = miner.mine(new NoSynthesis().expand(manager.create(e), labels), labels);
        assertThat(p.negativeSimilarity().toFloatArray()).containsExactly(p.similarity().toFloatArray());
        assertThat(p.similarity().getFloat(0, 2)).isCloseTo(0f, within(1e-6f));
        assertThat(p.similarity().getFloat(1, 2)).isCloseTo(0.6f, within(1e-6f));
        assertThat(p.positiveMask().toFloatArray()).containsExactly(0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0);
        assertThat(p.negativeMask().toFloatArray()).containsExactly(0, 0, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0);
        assertThat(p.syntheticShare()).isZero();
    }

    @Test
    void aSyntheticMidpointCloserThanBothOriginalsWinsTheNegativePair() {
        // class 0 sits at +-60 degrees; its midpoint points at 0 degrees, where class 1 sits at +-20 degrees
        double a = Math.toRadians(60);
        double b = Math.toRadians(20);
        float[][] e = {unit(Math.cos(a), Math.sin(a)), unit(Math.cos(a), -Math.sin(a)),
            unit(Math.cos(b), Math.sin(b)), unit(Math.cos(b), -Math.sin(b))};
        int[] labels = {0, 0, 1, 1};
        EmbeddingExpansion ee = new EmbeddingExpansion(1);
        MinedPairs p = new HardNegativePairMiner(ee.miningPlan(MiningRule.PAPER)).mine(ee.expand(manager.create(e), labels),
                labels);
        // hardest pair between sample 0's group {0, m01} and sample 2's group {2, m23}: m01 and m23 coincide
        assertThat(p.negativeSimilarity().getFloat(0, 2)).isCloseTo(1f, within(1e-5f));
        // originals alone: the closest is 40 degrees apart
        assertThat(p.similarity().getFloat(0, 2)).isCloseTo((float) Math.cos(Math.toRadians(40)), within(1e-5f));
        assertThat(p.syntheticShare()).isEqualTo(1.0);
    }

    @Test
    void officialExpansionMinesTheMaximumOverBothSamplesGroups() {
        Random random = new Random(5);
        int b = 8;
        int d = 5;
        float[][] e = new float[b][];
        for (int i = 0; i < b; i++) {
            e[i] = unit(random.nextGaussian(), random.nextGaussian(), random.nextGaussian(), random.nextGaussian(),
                    random.nextGaussian());
        }
        int[] labels = {0, 0, 1, 1, 2, 2, 0, 0};
        for (Synthesis s : new Synthesis[] {new EmbeddingExpansion(1), new EmbeddingExpansion(2)}) {
            NDArray groups = s.expand(manager.create(e), labels);
            int g = (int) groups.getShape().get(1);
            float[] flat = groups.toFloatArray();
            MinedPairs p = new HardNegativePairMiner(s.miningPlan(MiningRule.OFFICIAL)).mine(groups, labels);
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < b; j++) {
                    double best = -2;
                    for (int u = 0; u < g; u++) {
                        for (int v = 0; v < g; v++) {
                            double dot = 0;
                            for (int k = 0; k < d; k++) {
                                dot += flat[(i * g + u) * d + k] * flat[(j * g + v) * d + k];
                            }
                            best = Math.max(best, dot);
                        }
                    }
                    assertThat((double) p.negativeSimilarity().getFloat(i, j)).as("%d points (%d,%d)", g - 1, i, j)
                            .isCloseTo(best, within(1e-5));
                }
            }
        }
    }
}
