package io.streamsynth.model.loss;

import static io.streamsynth.model.Vectors.unit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.streamsynth.model.mining.HardNegativePairMiner;
import io.streamsynth.model.mining.MiningRule;
import io.streamsynth.model.runtime.TorchRuntime;
import io.streamsynth.model.synthesis.EmbeddingExpansion;
import io.streamsynth.model.synthesis.NoSynthesis;
import io.streamsynth.model.synthesis.SymmetricalSynthesis;
import io.streamsynth.model.synthesis.Synthesis;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every loss stays finite, with finite gradients, for every input the flags allow: the two
 * N-pair cases with their float64 values, and a property run over random and degenerate batches,
 * every loss at the bounds of its margin or scale, every synthesis and both mining rules, each
 * matched against {@link Float64Reference}.
 */
class LossFinitenessTest {
    private final NDManager manager = TorchRuntime.engine().newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void nPairAtScaleSixtyWithUnderflowingNegativesMatchesFloat64() {
        // every negative of some rows sits far below the positive: exp(60 (s_neg - s_pos)) underflows
        float[][] e = {unit(1, 0), unit(0.98, 0.2), unit(-1, 0), unit(-0.99, 0.1), unit(0.98, -0.2), unit(1, 0.05)};
        int[] labels = {0, 0, 1, 1, 2, 2};
        Outcome o = run(e, labels, new NoSynthesis(), MiningRule.PAPER, new NPairLoss(60f));
        assertThat(o.loss).isCloseTo(1.013317, within(2e-5));
        assertThat(o.gradient).hasSize(12);
        assertFinite(o.gradient, "gradient");
        assertThat(Float64Reference.nPair(Float64Reference.mine(e, labels, "none", 0, "paper"), 60))
                .isCloseTo(1.013317, within(1e-6));
    }

    @ParameterizedTest(name = "scale {0}")
    @ValueSource(floats = {1f, 10f, 60f, 80f, 100f})
    void nPairOnARegularTetrahedronIsLogThreeAtEveryScale(float scale) {
        // all cosines are -1/3, so each anchor's positive and its two negatives tie: log(1 + 2)
        double r = 1 / Math.sqrt(3);
        float[][] e = {unit(r, r, r), unit(r, -r, -r), unit(-r, r, -r), unit(-r, -r, r)};
        Outcome o = run(e, new int[] {0, 0, 1, 1}, new NoSynthesis(), MiningRule.PAPER, new NPairLoss(scale));
        assertThat(o.loss).isCloseTo(Math.log(3), within(1e-4));
        assertFinite(o.gradient, "gradient");
    }

    @Test
    void everyLossSynthesisAndRuleStaysFiniteAndMatchesFloat64() {
        Map<String, float[][]> batches = batches();
        Map<String, int[]> labels = labelsOf();
        List<String> checked = new ArrayList<>();
        for (LossCase loss : losses()) {
            // one EE point: an antipodal pair's midpoint is the zero vector, the hardest case for normalising
            for (Synthesis synthesis : List.of(new NoSynthesis(), new EmbeddingExpansion(1), new SymmetricalSynthesis())) {
                // without synthesis both rules are the same plain similarity
                for (MiningRule rule : synthesis.pointsPerSample() == 0 ? List.of(MiningRule.PAPER)
                        : List.of(MiningRule.values())) {
                    for (Map.Entry<String, float[][]> batch : batches.entrySet()) {
                        int[] y = labels.get(batch.getKey());
                        String what = loss.label + " " + synthesis.name() + synthesis.pointsPerSample() + " "
                                + rule.flagName() + " " + batch.getKey();
                        Outcome o = run(batch.getValue(), y, synthesis, rule, loss.loss);
                        assertThat(o.loss).as(what).isFinite();
                        assertFinite(o.gradient, what);
                        int points = synthesis instanceof EmbeddingExpansion ? synthesis.pointsPerSample() : 0;
                        double expected = loss.reference.value(
                                Float64Reference.mine(batch.getValue(), y, synthesis.name(), points, rule.flagName()));
                        assertThat(o.loss).as(what).isCloseTo(expected, within(1e-4 + 1e-3 * Math.abs(expected)));
                        checked.add(what);
                    }
                }
            }
        }
        assertThat(checked).hasSize(losses().size() * 5 * batches.size());
    }

    private record LossCase(String label, MetricLoss loss, Float64Reference.Loss reference) {}

    private static List<LossCase> losses() {
        return List.of(
                new LossCase("contrastive 2", new ContrastiveLoss(2f), p -> Float64Reference.contrastive(p, 2)),
                new LossCase("contrastive 1e-6", new ContrastiveLoss(1e-6f), p -> Float64Reference.contrastive(p, 1e-6f)),
                new LossCase("triplet 0", new TripletLoss(0f), p -> Float64Reference.triplet(p, 0)),
                new LossCase("triplet 2", new TripletLoss(2f), p -> Float64Reference.triplet(p, 2)),
                new LossCase("lifted 4", new LiftedStructureLoss(4f), p -> Float64Reference.lifted(p, 4)),
                new LossCase("lifted 1e-6", new LiftedStructureLoss(1e-6f), p -> Float64Reference.lifted(p, 1e-6f)),
                new LossCase("npair 100", new NPairLoss(100f), p -> Float64Reference.nPair(p, 100)),
                new LossCase("npair 1e-6", new NPairLoss(1e-6f), p -> Float64Reference.nPair(p, 1e-6f)),
                new LossCase("ms default", MultiSimilarityLoss.withDefaults(), p -> Float64Reference.multiSimilarity(p,
                        MultiSimilarityLoss.DEFAULT_ALPHA, MultiSimilarityLoss.DEFAULT_BETA,
                        MultiSimilarityLoss.DEFAULT_LAMBDA, MultiSimilarityLoss.DEFAULT_EPSILON)),
                new LossCase("ms sharp", new MultiSimilarityLoss(100f, 1000f, 1f, 0f),
                        p -> Float64Reference.multiSimilarity(p, 100, 1000, 1, 0)));
    }

    /** Random batches plus the degenerate ones: identical, antipodal classes, antipodal pairs, one class. */
    private static Map<String, float[][]> batches() {
        Map<String, float[][]> out = new LinkedHashMap<>();
        for (int seed = 1; seed <= 2; seed++) {
            Random random = new Random(seed);
            float[][] e = new float[12][];
            for (int i = 0; i < e.length; i++) {
                double[] v = new double[6];
                for (int d = 0; d < v.length; d++) {
                    v[d] = random.nextGaussian();
                }
                e[i] = unit(v);
            }
            out.put("random" + seed, e);
        }
        float[] v = unit(0.3, -0.5, 0.8);
        float[] w = unit(-0.3, 0.5, -0.8);
        out.put("identical", new float[][] {v, v, v, v, v, v});
        out.put("antipodal classes", new float[][] {v, v, w, w, v, v});
        out.put("antipodal pairs", new float[][] {v, w, w, v, v, w});
        out.put("one class", new float[][] {v, unit(0.3, -0.4, 0.8)});
        return out;
    }

    private static Map<String, int[]> labelsOf() {
        Map<String, int[]> out = new LinkedHashMap<>();
        for (int seed = 1; seed <= 2; seed++) {
            out.put("random" + seed, new int[] {0, 0, 1, 1, 2, 2, 0, 0, 3, 3, 1, 1});
        }
        out.put("identical", new int[] {0, 0, 1, 1, 2, 2});
        out.put("antipodal classes", new int[] {0, 0, 1, 1, 2, 2});
        out.put("antipodal pairs", new int[] {0, 0, 1, 1, 2, 2});
        out.put("one class", new int[] {0, 0});
        return out;
    }

    private record Outcome(double loss, float[] gradient) {}

    private static void assertFinite(float[] values, String what) {
        for (int k = 0; k < values.length; k++) {
            assertThat(values[k]).as("%s [%d]", what, k).isFinite();
        }
    }

    private Outcome run(float[][] e, int[] labels, Synthesis synthesis, MiningRule rule, MetricLoss loss) {
        try (NDManager sub = manager.newSubManager()) {
            NDArray x = sub.create(e);
            x.setRequiresGradient(true);
            try (GradientCollector collector = TorchRuntime.engine().newGradientCollector()) {
                NDArray value = loss.compute(new HardNegativePairMiner(synthesis.miningPlan(rule))
                        .mine(synthesis.expand(x, labels), labels));
                collector.backward(value);
                return new Outcome(value.getFloat(), x.getGradient().toFloatArray());
            }
        }
    }
}
