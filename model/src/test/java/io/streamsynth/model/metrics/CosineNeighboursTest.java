package io.streamsynth.model.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class CosineNeighboursTest {

    @Test
    void fullRankingRunsFromMostToLeastSimilarAndLeavesOutTheQuery() {
        assertThat(CosineNeighbours.fullRanking(Circle.fourPoints())).isDeepEqualTo(new int[][] {
            {1, 3, 2},
            {0, 3, 2},
            {3, 1, 0},
            {2, 1, 0},
        });
    }

    @Test
    void topMKeepsOnlyTheMostSimilarPrefix() {
        assertThat(CosineNeighbours.topM(Circle.fourPoints(), 2)).isDeepEqualTo(new int[][] {
            {1, 3},
            {0, 3},
            {3, 1},
            {2, 1},
        });
    }

    @Test
    void mBeyondTheOtherItemsIsCappedAtNMinusOne() {
        assertThat(CosineNeighbours.topM(Circle.fourPoints(), 50))
                .isDeepEqualTo(CosineNeighbours.fullRanking(Circle.fourPoints()));
        assertThat(CosineNeighbours.topM(new float[][] {{1, 0}}, 3)).isDeepEqualTo(new int[][] {{}});
    }

    @Test
    void equalSimilaritiesPutTheLowerIndexFirstAndCopiesOfTheQueryStay() {
        float[][] embeddings = {{1, 0}, {2, 0}, {1, 0}, {0, 1}};

        assertThat(CosineNeighbours.fullRanking(embeddings)).isDeepEqualTo(new int[][] {
            {1, 2, 3},
            {0, 2, 3},
            {0, 1, 3},
            {0, 1, 2},
        });
    }

    @Test
    void zeroRowHasZeroSimilarityToEverything() {
        float[][] embeddings = {{1, 0}, {0, 0}, {-1, 0}};

        // Item 1 sits at similarity 0 between item 0 (1) and its opposite (-1).
        assertThat(CosineNeighbours.fullRanking(embeddings)).isDeepEqualTo(new int[][] {
            {1, 2},
            {0, 2},
            {1, 0},
        });
    }

    @Test
    void topMAcrossSeveralQueryBlocksAgreesWithBruteForceSimilarities() {
        Random random = new Random(42);
        int n = 600;
        int m = 10;
        float[][] embeddings = new float[n][7];
        for (float[] row : embeddings) {
            for (int k = 0; k < row.length; k++) {
                row[k] = (float) random.nextGaussian();
            }
        }

        int[][] neighbours = CosineNeighbours.topM(embeddings, m);

        for (int q = 0; q < n; q++) {
            int[] row = neighbours[q];
            assertThat(row).hasSize(m).doesNotContain(q).doesNotHaveDuplicates();
            for (int r = 1; r < m; r++) {
                assertThat(cosine(embeddings[q], embeddings[row[r]]))
                        .isLessThanOrEqualTo(cosine(embeddings[q], embeddings[row[r - 1]]) + 1e-6);
            }
            double weakestKept = cosine(embeddings[q], embeddings[row[m - 1]]);
            for (int j = 0; j < n; j++) {
                if (j != q && !contains(row, j)) {
                    assertThat(cosine(embeddings[q], embeddings[j])).isLessThanOrEqualTo(weakestKept + 1e-6);
                }
            }
        }
    }

    @Test
    void keyOrdersByHigherSimilarityThenLowerIndex() {
        assertThat(CosineNeighbours.key(0.6f, 100)).isGreaterThan(CosineNeighbours.key(0.5f, 0));
        assertThat(CosineNeighbours.key(0.5f, 3)).isGreaterThan(CosineNeighbours.key(0.5f, 4));
        assertThat(CosineNeighbours.key(-0.1f, 0)).isGreaterThan(CosineNeighbours.key(-0.5f, 0));
        assertThat(CosineNeighbours.key(0f, 9)).isGreaterThan(CosineNeighbours.key(-0.1f, 0));
        assertThat(CosineNeighbours.key(-0f, 7)).isEqualTo(CosineNeighbours.key(0f, 7));
        assertThat(CosineNeighbours.indexOf(CosineNeighbours.key(-0.25f, 12345))).isEqualTo(12345);
    }

    @Test
    void raggedRowsAndNegativeMAreRejected() {
        assertThatThrownBy(() -> CosineNeighbours.topM(new float[][] {{1, 0}, {1}}, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("embedding 1 has 1 dimensions, expected 2");
        assertThatThrownBy(() -> CosineNeighbours.topM(Circle.fourPoints(), -1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double aa = 0;
        double bb = 0;
        for (int k = 0; k < a.length; k++) {
            dot += (double) a[k] * b[k];
            aa += (double) a[k] * a[k];
            bb += (double) b[k] * b[k];
        }
        return dot / Math.sqrt(aa * bb);
    }

    private static boolean contains(int[] row, int index) {
        for (int value : row) {
            if (value == index) {
                return true;
            }
        }
        return false;
    }
}
