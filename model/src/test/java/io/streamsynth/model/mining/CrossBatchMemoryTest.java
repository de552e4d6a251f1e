package io.streamsynth.model.mining;

import static io.streamsynth.model.Vectors.unit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
import io.streamsynth.model.synthesis.NoSynthesis;
import io.streamsynth.model.synthesis.SymmetricalSynthesis;
import io.streamsynth.model.synthesis.Synthesis;
import io.streamsynth.model.train.TrainingConfig;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CrossBatchMemoryTest {
    private final NDManager manager = TorchRuntime.engine().newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void memoryAddsOneColumnPerStoredEmbeddingWithItsSimilarityAndLabelMasks() {
        CrossBatchMemory memory = new CrossBatchMemory(8);
        // an earlier batch: class 0 at 90 degrees, class 1 at 180 degrees, class 2 at 0 degrees
        memory.enqueue(manager.create(new float[][] {unit(0, 1), unit(-1, 0), unit(1, 0)}), new int[] {0, 1, 2});
        float[][] batch = {unit(1, 0), unit(0.6, 0.8)};
        int[] labels = {0, 1};
        NDArray anchors = manager.create(batch);
        MinedPairs own = new HardNegativePairMiner().mine(new NoSynthesis().expand(anchors, labels), labels);

        MinedPairs p = memory.extend(own, anchors, labels);

        assertThat(p.similarity().getShape()).isEqualTo(new Shape(2, 5));
        // batch block untouched, then anchor . entry
        assertThat(p.similarity().toFloatArray()).usingComparatorWithPrecision(1e-6f)
                .containsExactly(1f, 0.6f, 0f, -1f, 1f, 0.6f, 1f, 0.8f, -0.6f, 0.6f);
        assertThat(p.negativeSimilarity().toFloatArray()).usingComparatorWithPrecision(1e-6f)
                .containsExactly(p.similarity().toFloatArray());
        // anchor 0 (class 0): memory positive is entry 0; anchor 1 (class 1): entry 1
        assertThat(p.positiveMask().toFloatArray()).containsExactly(0, 0, 1, 0, 0, 0, 0, 0, 1, 0);
        assertThat(p.negativeMask().toFloatArray()).containsExactly(0, 1, 0, 1, 1, 1, 0, 1, 0, 1);
    }

    @Test
    void anEmptyMemoryLeavesTheBatchPairsAsTheyAre() {
        NDArray anchors = manager.create(new float[][] {unit(1, 0), unit(0, 1)});
        int[] labels = {0, 1};
        MinedPairs own = new HardNegativePairMiner().mine(new NoSynthesis().expand(anchors, labels), labels);
        assertThat(new CrossBatchMemory(4).extend(own, anchors, labels)).isSameAs(own);
    }

    @Test
    void keepsTheNewestEntriesFirstInFirstOut() {
        CrossBatchMemory memory = new CrossBatchMemory(3);
        memory.enqueue(manager.create(new float[][] {unit(1, 0), unit(0, 1)}), new int[] {10, 11});
        memory.enqueue(manager.create(new float[][] {unit(-1, 0), unit(0, -1)}), new int[] {12, 13});
        assertThat(memory.size()).isEqualTo(3);
        assertThat(memory.labels()).containsExactly(11, 12, 13);
        assertThat(memory.entries(manager).toFloatArray()).usingComparatorWithPrecision(1e-7f)
                .containsExactly(0, 1, -1, 0, 0, -1);
        // a batch larger than the memory keeps its last rows
        memory.enqueue(manager.create(new float[][] {unit(1, 1), unit(1, -1), unit(-1, 1), unit(-1, -1)}),
                new int[] {20, 21, 22, 23});
        assertThat(memory.labels()).containsExactly(21, 22, 23);
    }

    @Test
    void storesACopySoLaterChangesToTheBatchDoNotReachTheMemory() {
        CrossBatchMemory memory = new CrossBatchMemory(2);
        NDArray batch = manager.create(new float[][] {unit(1, 0), unit(0, 1)});
        memory.enqueue(batch, new int[] {0, 1});
        batch.muli(-1f);
        assertThat(memory.entries(manager).toFloatArray()).containsExactly(1, 0, 0, 1);
    }

    @Test
    void refusesMismatchedInputAndAChangedDimension() {
        assertThatThrownBy(() -> new CrossBatchMemory(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
        CrossBatchMemory memory = new CrossBatchMemory(4);
        NDArray two = manager.create(new float[][] {unit(1, 0), unit(0, 1)});
        assertThatThrownBy(() -> memory.enqueue(two, new int[] {0})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 embeddings but 1 labels");
        memory.enqueue(two, new int[] {0, 1});
        assertThatThrownBy(() -> memory.enqueue(manager.create(new float[][] {{1, 0, 0}}), new int[] {0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holds 2-d embeddings, got 3");
    }

    @Test
    void aMemoryEntryBecomesTheTripletsHardestNegativeAndOnlyTheBatchReceivesItsGradient() {
        // batch: two class-0 points 90 degrees apart, no other class, so without memory no triplet exists
        double theta = Math.toRadians(20);
        float[] c = {(float) Math.cos(theta), (float) Math.sin(theta)};
        CrossBatchMemory memory = new CrossBatchMemory(4);
        NDArray stored = manager.create(new float[][] {c});
        memory.enqueue(stored, new int[] {1});
        NDArray batch = manager.create(new float[][] {{1, 0}, {0, 1}});
        batch.setRequiresGradient(true);
        int[] labels = {0, 0};
        MetricLoss triplet = Losses.create("triplet", 0.2f);
        double[] gradient;
        float value;
        try (GradientCollector collector = TorchRuntime.engine().newGradientCollector()) {
            MinedPairs own = new HardNegativePairMiner().mine(new NoSynthesis().expand(batch, labels), labels);
            NDArray loss = triplet.compute(memory.extend(own, batch, labels));
            collector.backward(loss);
            value = loss.getFloat();
            gradient = batch.getGradient().toType(DataType.FLOAT64, false).toDoubleArray();
        }
        double dAb = Math.sqrt(2);
        double dAc = Math.sqrt(2 - 2 * Math.cos(theta));
        double dBc = Math.sqrt(2 - 2 * Math.sin(theta));
        // anchors a = (1,0) and b = (0,1) with positive each other and the memory point c as negative
        assertThat((double) value).isCloseTo(((dAb - dAc + 0.2) + (dAb - dBc + 0.2)) / 2, within(1e-5));
        // d|x - y| / dx = -(y) / d on the unit sphere (distance sqrt(2 - 2 x.y)); c is a constant
        double[] a = {1, 0};
        double[] b = {0, 1};
        double[] expected = new double[4];
        for (int k = 0; k < 2; k++) {
            // row a: d_ab - d_ac; row b: d_ba (depends on a) - d_bc
            expected[k] = (-b[k] / dAb + c[k] / dAc - b[k] / dAb) / 2;
            expected[2 + k] = (-a[k] / dAb - a[k] / dAb + c[k] / dBc) / 2;
        }
        for (int k = 0; k < 4; k++) {
            assertThat(gradient[k]).as("d loss / d batch[%d]", k).isCloseTo(expected[k], within(1e-5));
        }
        assertThat(stored.hasGradient()).isFalse();
        assertThat(memory.entries(manager).hasGradient()).isFalse();
    }

    /**
     * With synthesis and mining on the batch block, the gradient with respect to the raw batch matches
     * central finite differences in which the memory is a constant: the memory adds terms, never a
     * path for gradient into itself.
     */
    @ParameterizedTest(name = "{0} with {1}")
    @CsvSource({"triplet, symm", "ms, symm", "contrastive, none", "npair, symm", "ms, none"})
    void gradientThroughBatchAndMemoryMatchesFiniteDifferencesWithTheMemoryHeldConstant(String lossName,
            String synthesisName) {
        int b = 4;
        int d = 3;
        Random random = new Random(3);
        double[] x = new double[b * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextGaussian();
        }
        int[] labels = {0, 0, 1, 1};
        float[][] storedRows = new float[5][d];
        for (float[] row : storedRows) {
            for (int k = 0; k < d; k++) {
                row[k] = (float) random.nextGaussian();
            }
        }
        CrossBatchMemory memory = new CrossBatchMemory(5);
        memory.enqueue(EmbeddingNetworks.normalizeRows(manager.create(storedRows)), new int[] {0, 1, 2, 2, 1});
        Synthesis synthesis = synthesisName.equals("symm") ? new SymmetricalSynthesis() : new NoSynthesis();
        HardNegativePairMiner miner = new HardNegativePairMiner(synthesis.miningPlan(MiningRule.PAPER));
        MetricLoss loss = Losses.create(lossName, lossName.equals("contrastive") ? 1.9f : Float.NaN);
        NDArray input = manager.create(x, new Shape(b, d));
        input.setRequiresGradient(true);
        double[] analytic;
        double withMemory;
        try (GradientCollector collector = TorchRuntime.engine().newGradientCollector()) {
            NDArray value = lossOf(input, labels, synthesis, miner, loss, memory);
            collector.backward(value);
            withMemory = value.getDouble();
            analytic = input.getGradient().toDoubleArray();
        }
        double without = lossOf(manager.create(x, new Shape(b, d)), labels, synthesis, miner, loss, new CrossBatchMemory(5))
                .getDouble();
        assertThat(withMemory).as("the memory's pairs change the loss").isNotCloseTo(without, within(1e-6));
        double h = 1e-6;
        for (int k = 0; k < x.length; k++) {
            double[] plus = x.clone();
            double[] minus = x.clone();
            plus[k] += h;
            minus[k] -= h;
            double numeric = (lossOf(manager.create(plus, new Shape(b, d)), labels, synthesis, miner, loss, memory)
                    .getDouble() - lossOf(manager.create(minus, new Shape(b, d)), labels, synthesis, miner, loss, memory)
                    .getDouble()) / (2 * h);
            assertThat(analytic[k]).as("d loss / d x[%d]", k).isCloseTo(numeric, within(1e-5));
        }
        assertThat(memory.size()).as("extend does not enqueue").isEqualTo(5);
    }

    @Test
    void trainingConfigRefusesANegativeSizeAndTheLiftedLoss() {
        TrainingConfig base = TrainingConfig.defaults();
        assertThat(base.memorySize()).isZero();
        assertThat(base.newMemory()).isNull();
        assertThat(base.withMemorySize(16).newMemory().capacity()).isEqualTo(16);
        assertThat(base.withMemorySize(16).toMap()).containsEntry("memory_size", 16);
        assertThat(base.toMap()).doesNotContainKey("memory_size");
        assertThatThrownBy(() -> base.withMemorySize(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("memory size must be within 0..");
        TrainingConfig lifted = new TrainingConfig("lifted", Float.NaN, "none", 2, "adam", 1e-3f, 0.9f, 0f);
        assertThatThrownBy(() -> lifted.withMemorySize(8)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lifted structure");
    }

    private static NDArray lossOf(NDArray raw, int[] labels, Synthesis s, HardNegativePairMiner miner, MetricLoss loss,
            CrossBatchMemory memory) {
        NDArray e = EmbeddingNetworks.normalizeRows(raw);
        return loss.compute(memory.extend(miner.mine(s.expand(e, labels), labels), e, labels))
                .toType(DataType.FLOAT64, false);
    }
}
