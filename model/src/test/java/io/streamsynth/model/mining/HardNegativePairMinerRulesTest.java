package io.streamsynth.model.mining;

import static io.streamsynth.model.Vectors.unit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import io.streamsynth.model.runtime.TorchRuntime;
import io.streamsynth.model.synthesis.EmbeddingExpansion;
import io.streamsynth.model.synthesis.SymmetricalSynthesis;
import io.streamsynth.model.synthesis.Synthesis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every negative cell of the mined matrix under each paper's rule and each official code's rule.
 * The numbers come from model/src/test/python/mining_cells.py, a float64 reference written from
 * the papers and the released code, not from this code base; NaN marks a same-class cell, which
 * is no negative pair and is not checked.
 */
class HardNegativePairMinerRulesTest {
    private static final double NaN = Double.NaN;

    // the Symm example: a0 = 0 and p0 = 60 degrees (class 0), a1 = 150 and p1 = 100 (class 1)
    private static final double[][] SYMM_PAPER = {
        {NaN, NaN, 0.642788, 0.642788},
        {NaN, NaN, 0.984808, 0.984808},
        {0.866025, 0.866025, NaN, NaN},
        {0.939693, 0.939693, NaN, NaN}};
    private static final double[][] SYMM_OFFICIAL = {
        {NaN, NaN, 0.984808, 0.984808},
        {NaN, NaN, 0.984808, 0.984808},
        {0.939693, 0.939693, NaN, NaN},
        {0.939693, 0.939693, NaN, NaN}};

    // the EE example, n = 1: (1,0), (0,1) of class 0; (-1,0), (0.6,0.8) of class 1
    private static final double[][] EE_PAPER = {
        {NaN, NaN, 0.989949, 0.989949},
        {NaN, NaN, 0.989949, 0.989949},
        {0.989949, 0.989949, NaN, NaN},
        {0.989949, 0.989949, NaN, NaN}};
    private static final double[][] EE_OFFICIAL = {
        {NaN, NaN, 0.316228, 0.989949},
        {NaN, NaN, 0.894427, 0.989949},
        {0.316228, 0.894427, NaN, NaN},
        {0.989949, 0.989949, NaN, NaN}};

    // ours: three classes in 3-D, interleaved in the batch (labels 0 1 2 0 2 1), n = 2 for EE
    private static final float[][] OWN = {unit(1, 0.2, 0.1), unit(0.3, 1, -0.2), unit(0.9, -0.4, 0.3),
        unit(-0.5, 0.8, 0.6), unit(0.2, 0.3, 1), unit(0.7, 0.1, -0.7)};
    private static final int[] OWN_LABELS = {0, 1, 2, 0, 2, 1};
    private static final double[][] OWN_EE2_PAPER = {
        {NaN, 0.664421, 0.805696, NaN, 0.805696, 0.664421},
        {0.664421, NaN, 0.370948, 0.664421, 0.370948, NaN},
        {0.805696, 0.370948, NaN, 0.805696, NaN, 0.370948},
        {NaN, 0.664421, 0.805696, NaN, 0.805696, 0.664421},
        {0.805696, 0.370948, NaN, 0.805696, NaN, 0.370948},
        {0.664421, NaN, 0.370948, 0.664421, 0.370948, NaN}};
    private static final double[][] OWN_EE2_OFFICIAL = {
        {NaN, 0.664421, 0.805696, NaN, 0.785694, 0.662752},
        {0.664421, NaN, 0.219520, 0.664421, 0.141593, NaN},
        {0.805696, 0.219520, NaN, 0.727363, NaN, 0.370948},
        {NaN, 0.664421, 0.727363, NaN, 0.785694, 0.637387},
        {0.785694, 0.141593, NaN, 0.785694, NaN, 0.095818},
        {0.662752, NaN, 0.370948, 0.637387, 0.095818, NaN}};
    private static final double[][] OWN_SYMM_PAPER = {
        {NaN, 0.637531, 0.805696, NaN, 0.805696, 0.637531},
        {0.445945, NaN, 0.266754, 0.445945, 0.266754, NaN},
        {0.805696, 0.489250, NaN, 0.805696, NaN, 0.489250},
        {NaN, 0.999725, 0.922176, NaN, 0.922176, 0.999725},
        {0.622641, 0.621577, NaN, 0.622641, NaN, 0.621577},
        {0.637531, NaN, 0.745130, 0.637531, 0.745130, NaN}};
    private static final double[][] OWN_SYMM_OFFICIAL = {
        {NaN, 0.999725, 0.922176, NaN, 0.922176, 0.999725},
        {0.445945, NaN, 0.927588, 0.440664, 0.745130, NaN},
        {0.269631, 0.889844, NaN, 0.862299, NaN, 0.621577},
        {NaN, 0.999725, 0.922176, NaN, 0.922176, 0.999725},
        {0.622641, 0.621577, NaN, 0.330498, NaN, 0.927588},
        {0.374150, NaN, 0.745130, 0.923966, 0.889844, NaN}};

    private final NDManager manager = TorchRuntime.engine().newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    private static float[] degrees(double a) {
        return unit(Math.cos(Math.toRadians(a)), Math.sin(Math.toRadians(a)));
    }

    private static final float[][] SYMM = {degrees(0), degrees(60), degrees(150), degrees(100)};
    private static final float[][] EE = {unit(1, 0), unit(0, 1), unit(-1, 0), unit(0.6, 0.8)};
    private static final int[] TWO_PAIRS = {0, 0, 1, 1};

    @Test
    void symmetricalSynthesisPaperRuleComparesTheOriginalAnchorWithTheFourPointsOfTheNegativePair() {
        assertCells(new SymmetricalSynthesis(), MiningRule.PAPER, SYMM, TWO_PAIRS, SYMM_PAPER);
    }

    @Test
    void symmetricalSynthesisOfficialRuleTakesTheSixCrossProductsOfTheTwoPairs() {
        assertCells(new SymmetricalSynthesis(), MiningRule.OFFICIAL, SYMM, TWO_PAIRS, SYMM_OFFICIAL);
    }

    @Test
    void embeddingExpansionPaperRuleGivesEveryCellBetweenTwoPairsTheirHardestPair() {
        assertCells(new EmbeddingExpansion(1), MiningRule.PAPER, EE, TWO_PAIRS, EE_PAPER);
    }

    @Test
    void embeddingExpansionOfficialRuleComparesEachSampleAndItsPairsPoints() {
        assertCells(new EmbeddingExpansion(1), MiningRule.OFFICIAL, EE, TWO_PAIRS, EE_OFFICIAL);
    }

    @Test
    void threeInterleavedClassesFollowEachRule() {
        assertCells(new EmbeddingExpansion(2), MiningRule.PAPER, OWN, OWN_LABELS, OWN_EE2_PAPER);
        assertCells(new EmbeddingExpansion(2), MiningRule.OFFICIAL, OWN, OWN_LABELS, OWN_EE2_OFFICIAL);
        assertCells(new SymmetricalSynthesis(), MiningRule.PAPER, OWN, OWN_LABELS, OWN_SYMM_PAPER);
        assertCells(new SymmetricalSynthesis(), MiningRule.OFFICIAL, OWN, OWN_LABELS, OWN_SYMM_OFFICIAL);
    }

    @Test
    void syntheticShareCountsCellsWonByASyntheticPoint() {
        // paper Symm: a0's hardest is a1' (50 degrees), p0's is a1' too (10 degrees from 60), a1's is
        // a0' (120 degrees), p1's is a0' as well: every negative cell is won by a synthetic point
        SymmetricalSynthesis symm = new SymmetricalSynthesis();
        MinedPairs p = new HardNegativePairMiner(symm.miningPlan(MiningRule.PAPER))
                .mine(symm.expand(manager.create(SYMM), TWO_PAIRS), TWO_PAIRS);
        assertThat(p.syntheticShare()).isEqualTo(1.0);
        // official EE: (i,k) and (j,k) are won by midpoints, (i,l) and (j,l) by m_ij against x_l:
        // synthetic as well; (l, i) 0.990 = x_l . m_ij, also synthetic
        EmbeddingExpansion ee = new EmbeddingExpansion(1);
        MinedPairs q = new HardNegativePairMiner(ee.miningPlan(MiningRule.OFFICIAL))
                .mine(ee.expand(manager.create(EE), TWO_PAIRS), TWO_PAIRS);
        assertThat(q.syntheticShare()).isEqualTo(1.0);
    }

    @Test
    void syntheticShareCountsOnlyTheCellsASyntheticPointWins() {
        // class 0 at 10 and 0 degrees (midpoint 5), class 1 at 20 and 180 (midpoint 100); official EE:
        // (0,2) and (2,0) are won by the originals at 10 and 20 degrees; the other six negative cells
        // by a midpoint: (0,3) 10-100, (1,2) 5-20, (1,3) 5-100, (2,1) 20-5, (3,0) 100-10, (3,1) 100-5
        float[][] e = {degrees(10), degrees(0), degrees(20), degrees(180)};
        EmbeddingExpansion ee = new EmbeddingExpansion(1);
        MinedPairs p = new HardNegativePairMiner(ee.miningPlan(MiningRule.OFFICIAL))
                .mine(ee.expand(manager.create(e), TWO_PAIRS), TWO_PAIRS);
        assertThat(p.negativeSimilarity().getFloat(0, 2)).isCloseTo((float) Math.cos(Math.toRadians(10)),
                within(1e-6f));
        assertThat(p.syntheticShare()).isEqualTo(0.75);
    }

    @Test
    void rejectsAnUnknownRuleNamingTheAcceptedOnes() {
        assertThat(MiningRule.parse(" Official ")).isEqualTo(MiningRule.OFFICIAL);
        assertThatThrownBy(() -> MiningRule.parse("ours")).hasMessageContaining("paper or official")
                .hasMessageContaining("'ours'");
    }

    private void assertCells(Synthesis s, MiningRule rule, float[][] e, int[] labels, double[][] expected) {
        MinedPairs p = new HardNegativePairMiner(s.miningPlan(rule)).mine(s.expand(manager.create(e), labels), labels);
        float[] mined = p.negativeSimilarity().toFloatArray();
        int b = labels.length;
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < b; j++) {
                if (!Double.isNaN(expected[i][j])) {
                    assertThat((double) mined[i * b + j]).as("%s %s cell (%d,%d)", s.name(), rule, i, j)
                            .isCloseTo(expected[i][j], within(2e-6));
                }
            }
        }
    }
}
