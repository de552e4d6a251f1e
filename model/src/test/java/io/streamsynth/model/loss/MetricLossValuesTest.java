package io.streamsynth.model.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.streamsynth.model.mining.MinedPairs;
import io.streamsynth.model.runtime.TorchRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each loss on one tiny batch (labels 0, 0, 1, 1) whose negative pair (0, 2) was mined harder (0.75)
 * than the originals' similarity (0.1). Expected values were worked out from the papers' formulas
 * in double precision, outside this code base; the comments give the active terms.
 */
class MetricLossValuesTest {
    private static final float[] S = {
        1f, .8f, .1f, .5f,
        .8f, 1f, .7f, -.1f,
        .1f, .7f, 1f, .6f,
        .5f, -.1f, .6f, 1f};
    private static final float[] POS = {0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0};
    private static final float[] NEG = {0, 0, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0};

    private NDManager manager;
    private MinedPairs pairs;

    @BeforeEach
    void setUp() {
        manager = TorchRuntime.engine().newBaseManager();
        float[] mined = S.clone();
        mined[2] = .75f;
        mined[8] = .75f;
        Shape shape = new Shape(4, 4);
        pairs = new MinedPairs(manager.create(S, shape), manager.create(mined, shape), manager.create(POS, shape),
                manager.create(NEG, shape), 0.25);
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    @Test
    void contrastiveAveragesSquaredPositiveDistancesAndSquaredNegativeHinges() {
        // positives: d^2 = 2 - 2s = 0.4, 0.4, 0.8, 0.8 -> 0.6; negatives: (1 - d)^2 over 8 pairs -> 0.0341...
        assertThat(new ContrastiveLoss(1f).compute(pairs).getFloat()).isCloseTo(0.6341483f, within(1e-5f));
    }

    @Test
    void tripletTakesFarthestPositiveAndNearestMinedNegative() {
        // anchor 0: d(0.8) - d(0.75) + 0.2 = 0.6325 - 0.7071 + 0.2 = 0.1254; anchor 1: 0.6325 - 0.7746 + 0.2
        // = 0.0579; anchor 2: 0.8944 - 0.7071 + 0.2 = 0.3873; anchor 3: 0.8944 - 1.0 + 0.2 = 0.0944
        assertThat(new TripletLoss(0.2f).compute(pairs).getFloat()).isCloseTo(0.16623880f, within(1e-5f));
    }

    @Test
    void liftedStructureSquaresTheHingedLogSumOverBothNegativeSets() {
        assertThat(new LiftedStructureLoss(1f).compute(pairs).getFloat()).isCloseTo(2.4305206f, within(1e-4f));
    }

    @Test
    void nPairIsSoftplusOfScaledLogSumOfNegativesOverPositive() {
        assertThat(new NPairLoss(10f).compute(pairs).getFloat()).isCloseTo(0.80900188f, within(1e-4f));
    }

    @Test
    void multiSimilarityMinesPairsByEpsilonThenWeighsThemSoftly() {
        // anchor 0 keeps positive 0.8 (0.8 - 0.1 < 0.75) and negative 0.75 (0.75 + 0.1 > 0.8) but drops 0.5
        // worked out at beta 50 (pytorch-metric-learning's default; ours is 40)
        assertThat(new MultiSimilarityLoss(2f, 50f, 0.5f, 0.1f).compute(pairs).getFloat()).isCloseTo(0.25484784f,
                within(1e-5f));
    }

    @Test
    void contrastiveIsZeroWhenClassesAreFarApartAndPositivesCoincide() {
        Shape shape = new Shape(4, 4);
        float[] s = {1, 1, -1, -1, 1, 1, -1, -1, -1, -1, 1, 1, -1, -1, 1, 1};
        MinedPairs separated = new MinedPairs(manager.create(s, shape), manager.create(s, shape),
                manager.create(POS, shape), manager.create(NEG, shape), 0);
        assertThat(new ContrastiveLoss(1f).compute(separated).getFloat()).isCloseTo(0f, within(1e-5f));
        assertThat(new TripletLoss(0.2f).compute(separated).getFloat()).isCloseTo(0f, within(1e-5f));
    }
}
