package io.streamsynth.model.mining;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.streamsynth.model.loss.Losses;
import io.streamsynth.model.loss.MetricLoss;
import io.streamsynth.model.net.EmbeddingNetworks;
import io.streamsynth.model.runtime.TorchRuntime;
import io.streamsynth.model.synthesis.EmbeddingExpansion;
import io.streamsynth.model.synthesis.SymmetricalSynthesis;
import io.streamsynth.model.synthesis.Synthesis;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The gradient of loss(mine(synthesise(normalise(x)))) with respect to the raw embeddings x matches
 * central finite differences, computed in double precision on the same float64 graph.
 */
class GradientThroughSynthesisTest {

    @ParameterizedTest(name = "{0} with {1}, {2} mining")
    @CsvSource({"triplet, ee, paper", "triplet, symm, paper", "contrastive, ee, paper", "ms, symm, paper",
        "lifted, ee, paper", "npair, symm, paper", "triplet, ee, official", "npair, symm, official",
        "lifted, symm, official", "ms, ee, official"})
    void autogradMatchesFiniteDifferences(String lossName, String synthesisName, String rule) {
        int b = 4;
        int d = 3;
        Random random = new Random(11);
        double[] x = new double[b * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextGaussian();
        }
        int[] labels = {0, 0, 1, 1};
        Synthesis synthesis = synthesisName.equals("ee") ? new EmbeddingExpansion(2) : new SymmetricalSynthesis();
        MetricLoss loss = Losses.create(lossName, lossName.equals("contrastive") ? 1.9f : Float.NaN);
        HardNegativePairMiner miner = new HardNegativePairMiner(synthesis.miningPlan(MiningRule.parse(rule)));
        try (NDManager manager = TorchRuntime.engine().newBaseManager()) {
            NDArray input = manager.create(x, new Shape(b, d));
            input.setRequiresGradient(true);
            double[] analytic;
            try (GradientCollector collector = TorchRuntime.engine().newGradientCollector()) {
                NDArray value = lossOf(input, labels, synthesis, miner, loss);
                collector.backward(value);
                assertThat(value.getDouble()).isGreaterThan(0.0);
                analytic = input.getGradient().toDoubleArray();
            }
            double h = 1e-6;
            double largest = 0;
            for (int k = 0; k < x.length; k++) {
                double[] plus = x.clone();
                double[] minus = x.clone();
                plus[k] += h;
                minus[k] -= h;
                double numeric = (eval(manager, plus, labels, synthesis, miner, loss)
                        - eval(manager, minus, labels, synthesis, miner, loss)) / (2 * h);
                assertThat(analytic[k]).as("d loss / d x[%d]", k).isCloseTo(numeric, within(1e-5));
                largest = Math.max(largest, Math.abs(numeric));
            }
            assertThat(largest).as("some gradient reaches the originals").isGreaterThan(1e-3);
        }
    }

    private static double eval(NDManager manager, double[] x, int[] labels, Synthesis s, HardNegativePairMiner miner,
            MetricLoss loss) {
        try (NDManager sub = manager.newSubManager()) {
            return lossOf(sub.create(x, new Shape(labels.length, x.length / labels.length)), labels, s, miner, loss)
                    .getDouble();
        }
    }

    private static NDArray lossOf(NDArray raw, int[] labels, Synthesis s, HardNegativePairMiner miner, MetricLoss loss) {
        NDArray e = EmbeddingNetworks.normalizeRows(raw);
        return loss.compute(miner.mine(s.expand(e, labels), labels)).toType(DataType.FLOAT64, false);
    }
}
