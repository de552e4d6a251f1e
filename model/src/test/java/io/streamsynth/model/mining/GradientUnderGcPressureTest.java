package io.streamsynth.model.mining;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.streamsynth.model.loss.Losses;
import io.streamsynth.model.loss.MetricLoss;
import io.streamsynth.model.net.EmbeddingNetworks;
import io.streamsynth.model.runtime.GcPressure;
import io.streamsynth.model.runtime.HostArrays;
import io.streamsynth.model.runtime.TorchRuntime;
import io.streamsynth.model.synthesis.Syntheses;
import io.streamsynth.model.synthesis.Synthesis;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The gradient of every loss through every synthesis does not change when the garbage collector
 * runs and native memory is reused between the forward and the backward pass, as it does at random
 * moments of a training run. Before the losses' constants moved into PyTorch-owned memory
 * ({@code OwnedScalars}) the backward pass could read them from freed direct buffers: the cause of
 * the multi-similarity runs that collapsed only sometimes (issue 13, docs/RESULTS.md).
 */
class GradientUnderGcPressureTest {

    @ParameterizedTest(name = "{0} with {1}")
    @CsvSource({"ms, symm", "ms, ee", "ms, none", "triplet, symm", "contrastive, ee", "lifted, symm", "npair, ee",
        "npair, none"})
    void gradientIsTheSameWithACollectionBeforeBackward(String lossName, String synthesisName) {
        int b = 8;
        int d = 4;
        int[] labels = {0, 0, 1, 1, 2, 2, 3, 3};
        Random random = new Random(5);
        float[] x = new float[b * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        Synthesis synthesis = Syntheses.create(synthesisName, 2);
        MetricLoss loss = Losses.create(lossName, Float.NaN);
        HardNegativePairMiner miner = new HardNegativePairMiner(synthesis.miningPlan(MiningRule.PAPER));
        float[] calm = gradient(x, labels, synthesis, loss, miner, false);
        assertThat(maxAbs(calm)).as("some gradient").isGreaterThan(1e-4f);
        for (int round = 0; round < 3; round++) {
            float[] pressed = gradient(x, labels, synthesis, loss, miner, true);
            assertThat(pressed).as("round %d", round).containsExactly(calm);
        }
    }

    private static float[] gradient(float[] x, int[] labels, Synthesis synthesis, MetricLoss loss,
            HardNegativePairMiner miner, boolean pressure) {
        try (NDManager manager = TorchRuntime.engine().newBaseManager()) {
            NDArray input = HostArrays.floats(manager, x, new Shape(labels.length, x.length / labels.length));
            input.setRequiresGradient(true);
            try (GradientCollector collector = TorchRuntime.engine().newGradientCollector()) {
                NDArray e = EmbeddingNetworks.normalizeRows(input);
                NDArray value = loss.compute(miner.mine(synthesis.expand(e, labels), labels));
                List<ByteBuffer> held = pressure ? GcPressure.apply() : List.of();
                collector.backward(value);
                Reference.reachabilityFence(held);
            }
            return input.getGradient().toFloatArray();
        }
    }

    private static float maxAbs(float[] values) {
        float m = 0;
        for (float v : values) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
