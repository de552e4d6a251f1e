package io.streamsynth.model.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Figures that do not depend on the order of the input: tied neighbours count as every order of
 * them equally likely, NaN and infinities are rejected, and NMI's k-means keeps the best of
 * several seeded starts.
 */
class OrderIndependentMetricsTest {

    @Test
    void twelveIdenticalVectorsScoreTheSameSortedOrInterleaved() {
        // each query sees 11 tied neighbours, 3 of its class: R@K = 1 - C(8,K)/C(11,K) and
        // MAP@R = (3/11)(1 + (1 + 1/5)/2 + (1 + 2/5)/3)/3
        float[][] e = new float[12][];
        for (int i = 0; i < e.length; i++) {
            e[i] = new float[] {0.6f, 0.8f};
        }
        int[] sorted = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2};
        int[] interleaved = {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2};
        double mapAtR = 3.0 / 11 * (1 + 1.2 / 2 + 1.4 / 3) / 3;
        for (int[] labels : List.of(sorted, interleaved)) {
            RetrievalReport r = RetrievalReport.evaluate(e, labels, 1L);
            assertThat(r.recallAt1()).isCloseTo(3.0 / 11, within(1e-12));
            assertThat(r.recallAt4()).isCloseTo(1 - 70.0 / 330, within(1e-12));
            assertThat(r.recallAt8()).isCloseTo(1 - 1.0 / 165, within(1e-12));
            assertThat(r.mapAtR()).isCloseTo(mapAtR, within(1e-12));
            assertThat(RecallAtK.compute(e, labels, 1, 4, 8)).containsExactly(
                    new double[] {3.0 / 11, 1 - 70.0 / 330, 1 - 1.0 / 165}, within(1e-12));
            assertThat(MapAtR.compute(e, labels)).isCloseTo(mapAtR, within(1e-12));
        }
        assertThat(mapAtR).isCloseTo(0.188, within(5e-4));
    }

    @Test
    void tieFormulasEqualTheAverageOverEveryOrderOfTheTiedItems() {
        // groups of 2, 3 and 2 tied neighbours holding 0, 2 and 1 relevant items: 2! 3! 2! orders
        int[] sizes = {2, 3, 2};
        int[] relevant = {0, 2, 1};
        List<boolean[]> orders = new ArrayList<>();
        enumerate(sizes, relevant, 0, new ArrayList<>(), orders);
        assertThat(orders).hasSize(2 * 6 * 2);
        TiedRanking tied = new TiedRanking(sizes, relevant);
        for (int k = 1; k <= 7; k++) {
            double average = 0;
            for (boolean[] order : orders) {
                average += firstHitWithin(order, k) ? 1.0 / orders.size() : 0;
            }
            assertThat(tied.hitWithin(k)).as("R@%d", k).isCloseTo(average, within(1e-12));
        }
        for (int r = 1; r <= 7; r++) {
            double average = 0;
            for (boolean[] order : orders) {
                average += averagePrecision(order, r) / orders.size();
            }
            assertThat(tied.averagePrecisionAt(r)).as("AP@%d", r).isCloseTo(average, within(1e-12));
        }
    }

    @Test
    void figuresDoNotChangeWhenTheInputIsShuffled() {
        // a few distinct points, many repeated, so ties cross class boundaries
        Random random = new Random(3);
        float[][] points = {{1, 0}, {0.8f, 0.6f}, {0, 1}, {-0.6f, 0.8f}, {-1, 0}};
        int n = 40;
        float[][] e = new float[n][];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            e[i] = points[random.nextInt(points.length)].clone();
            labels[i] = random.nextInt(4);
        }
        RetrievalReport first = RetrievalReport.evaluate(e, labels, 9L);
        for (int round = 0; round < 5; round++) {
            int[] perm = permutation(n, random);
            float[][] pe = new float[n][];
            int[] pl = new int[n];
            for (int i = 0; i < n; i++) {
                pe[i] = e[perm[i]];
                pl[i] = labels[perm[i]];
            }
            RetrievalReport shuffled = RetrievalReport.evaluate(pe, pl, 9L);
            assertThat(shuffled.recallAt1()).isCloseTo(first.recallAt1(), within(1e-12));
            assertThat(shuffled.recallAt2()).isCloseTo(first.recallAt2(), within(1e-12));
            assertThat(shuffled.recallAt4()).isCloseTo(first.recallAt4(), within(1e-12));
            assertThat(shuffled.recallAt8()).isCloseTo(first.recallAt8(), within(1e-12));
            assertThat(shuffled.mapAtR()).isCloseTo(first.mapAtR(), within(1e-12));
        }
    }

    @Test
    void aNaNEmbeddingIsRejectedNamingTheItemInEveryEntry() {
        float[][] e = {{1, 0}, {0.9f, 0.1f}, {0, 1}, {0.1f, 0.9f}, {Float.NaN, Float.NaN}};
        int[] labels = {0, 0, 1, 1, 1};
        List<Runnable> entries = List.of(
                () -> RetrievalReport.evaluate(e, labels, 1L),
                () -> RecallAtK.compute(e, labels, 1),
                () -> MapAtR.compute(e, labels),
                () -> KMeans.cluster(e, 2, 1L),
                () -> CosineNeighbours.topM(e, 2),
                () -> CosineNeighbours.fullRanking(e));
        for (Runnable entry : entries) {
            assertThatThrownBy(entry::run).isInstanceOf(NonFiniteEmbeddingException.class)
                    .hasMessageContaining("1 of 5 embeddings").hasMessageContaining("item 4")
                    .satisfies(t -> {
                        assertThat(((NonFiniteEmbeddingException) t).firstIndex()).isEqualTo(4);
                        assertThat(((NonFiniteEmbeddingException) t).count()).isEqualTo(1);
                    });
        }
        float[][] finite = {{1, 0}, {0.9f, 0.1f}, {0, 1}, {0.1f, 0.9f}};
        assertThat(RetrievalReport.evaluate(finite, new int[] {0, 0, 1, 1}, 1L).recallAt1()).isEqualTo(1.0);
    }

    @Test
    void infinitiesAreCountedWithNaNs() {
        float[][] e = {{1, 0}, {Float.POSITIVE_INFINITY, 0}, {0, 1}, {0, Float.NEGATIVE_INFINITY}, {Float.NaN, 1}};
        assertThatThrownBy(() -> RetrievalReport.evaluate(e, new int[] {0, 0, 1, 1, 1}, 1L))
                .isInstanceOf(NonFiniteEmbeddingException.class)
                .hasMessageContaining("3 of 5 embeddings").hasMessageContaining("item 1 (Infinity at dimension 0)");
    }

    @Test
    void nmiOfThreeNoisyBlobsNoLongerDependsOnTheSeed() {
        Random random = new Random(7);
        int perBlob = 40;
        float[][] e = new float[3 * perBlob][];
        int[] labels = new int[e.length];
        double[] centres = {0, 1.2, 2.2};
        for (int i = 0; i < e.length; i++) {
            double angle = centres[i / perBlob] + random.nextGaussian() * 0.45;
            e[i] = new float[] {(float) Math.cos(angle), (float) Math.sin(angle)};
            labels[i] = i / perBlob;
        }
        Set<Long> single = new HashSet<>();
        Set<Long> restarted = new HashSet<>();
        for (long seed = 0; seed < 20; seed++) {
            single.add(Math.round(1e9 * NormalizedMutualInformation.compute(labels,
                    KMeans.cluster(e, 3, seed, KMeans.DEFAULT_MAX_ITERATIONS, 1))));
            restarted.add(Math.round(1e9 * NormalizedMutualInformation.compute(labels, KMeans.cluster(e, 3, seed))));
        }
        assertThat(single).as("one k-means++ start lands in different optima").hasSizeGreaterThan(1);
        assertThat(restarted).as("the best of several starts").hasSize(1);
    }

    private static void enumerate(int[] sizes, int[] relevant, int group, List<Boolean> prefix, List<boolean[]> out) {
        if (group == sizes.length) {
            boolean[] order = new boolean[prefix.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = prefix.get(i);
            }
            out.add(order);
            return;
        }
        // every permutation of the group's items, relevant ones distinguishable
        List<int[]> perms = new ArrayList<>();
        permute(sizes[group], 0, new int[sizes[group]], new boolean[sizes[group]], perms);
        for (int[] p : perms) {
            List<Boolean> next = new ArrayList<>(prefix);
            for (int item : p) {
                next.add(item < relevant[group]);
            }
            enumerate(sizes, relevant, group + 1, next, out);
        }
    }

    private static void permute(int n, int at, int[] current, boolean[] used, List<int[]> out) {
        if (at == n) {
            out.add(current.clone());
            return;
        }
        for (int i = 0; i < n; i++) {
            if (!used[i]) {
                used[i] = true;
                current[at] = i;
                permute(n, at + 1, current, used, out);
                used[i] = false;
            }
        }
    }

    private static boolean firstHitWithin(boolean[] order, int k) {
        for (int i = 0; i < Math.min(k, order.length); i++) {
            if (order[i]) {
                return true;
            }
        }
        return false;
    }

    private static double averagePrecision(boolean[] order, int r) {
        int hits = 0;
        double sum = 0;
        for (int k = 1; k <= r; k++) {
            if (order[k - 1]) {
                hits++;
                sum += (double) hits / k;
            }
        }
        return sum / r;
    }

    private static int[] permutation(int n, Random random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
