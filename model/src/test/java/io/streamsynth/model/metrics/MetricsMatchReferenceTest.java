package io.streamsynth.model.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fast neighbour search and k-means give exactly what the plain loops of {@link ReferenceMetrics}
 * give: the same similarity bits, the same tied groups, the same clusters and so the same figures. The
 * inputs are small integers, so many pairs tie exactly, with copied rows and zero rows among them, and
 * sizes that do not fill the blocks and vector lanes evenly.
 */
class MetricsMatchReferenceTest {

    /** Rows of small integers in [-2, 2] (many exact ties), some of them copies of earlier rows or zero. */
    private static float[][] tiedRows(Random random, int n, int dims) {
        float[][] rows = new float[n][dims];
        for (int i = 0; i < n; i++) {
            int kind = random.nextInt(10);
            if (kind == 0 && i > 0) {
                rows[i] = rows[random.nextInt(i)].clone();
            } else if (kind != 1) {
                for (int k = 0; k < dims; k++) {
                    rows[i][k] = random.nextInt(5) - 2;
                }
            }
        }
        return rows;
    }

    /** Gaussian rows scaled unevenly, as a network's embeddings come before normalisation. */
    private static float[][] gaussianRows(Random random, int n, int dims) {
        float[][] rows = new float[n][dims];
        for (float[] row : rows) {
            float scale = 0.1f + 10 * random.nextFloat();
            for (int k = 0; k < dims; k++) {
                row[k] = scale * (float) random.nextGaussian();
            }
        }
        return rows;
    }

    private static int[] labels(Random random, int n, int classes) {
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = random.nextInt(classes);
        }
        return labels;
    }

    @Test
    void everySimilarityIsBitIdenticalToThePlainLoopOverDimensions() {
        Random random = new Random(3);
        for (int[] shape : new int[][] {{1, 1}, {2, 3}, {17, 5}, {70, 33}, {131, 128}, {300, 7}}) {
            for (float[][] rows : new float[][][] {tiedRows(random, shape[0], shape[1]),
                gaussianRows(random, shape[0], shape[1])}) {
                UnitRows unit = UnitRows.of(rows);
                int from = shape[0] / 3;
                int to = shape[0];
                float[] fast = CosineNeighbours.similaritiesOfBlock(unit, from, to);
                for (int q = from; q < to; q++) {
                    for (int j = 0; j < unit.rows; j++) {
                        float expected = ReferenceMetrics.similarity(unit, q, j);
                        assertThat(Float.floatToRawIntBits(fast[(q - from) * unit.rows + j]))
                                .as("n %d, d %d, query %d, item %d", shape[0], shape[1], q, j)
                                .isEqualTo(Float.floatToRawIntBits(expected));
                    }
                }
            }
        }
    }

    @Test
    void topMAndTiedRankingsEqualTheReferenceAcrossSeveralBlocks() {
        Random random = new Random(5);
        for (int[] shape : new int[][] {{2, 2}, {9, 3}, {300, 4}, {700, 16}}) {
            float[][] rows = tiedRows(random, shape[0], shape[1]);
            int[] labels = labels(random, shape[0], 3);
            for (int depth : new int[] {1, 8, shape[0] / 3 + 1, shape[0]}) {
                assertThat(CosineNeighbours.topM(rows, depth))
                        .as("n %d, depth %d", shape[0], depth)
                        .isDeepEqualTo(ReferenceMetrics.topM(rows, depth));
                assertThat(CosineNeighbours.rankings(rows, labels, depth))
                        .as("n %d, depth %d", shape[0], depth)
                        .containsExactly(ReferenceMetrics.rankings(rows, labels, depth));
            }
        }
    }

    @Test
    void kMeansAssignsEveryRowAsTheReferenceDoes() {
        Random random = new Random(7);
        for (int[] shape : new int[][] {{1, 1, 1}, {5, 3, 5}, {40, 2, 3}, {257, 9, 4}, {600, 128, 10}}) {
            for (float[][] rows : new float[][][] {tiedRows(random, shape[0], shape[1]),
                gaussianRows(random, shape[0], shape[1])}) {
                long seed = random.nextLong();
                assertThat(KMeans.cluster(rows, shape[2], seed, 100, 4))
                        .as("n %d, d %d, k %d", shape[0], shape[1], shape[2])
                        .containsExactly(ReferenceMetrics.kMeans(rows, shape[2], seed, 100, 4));
                // few iterations: runs that stop before they converge, where the centroids are not the
                // means of the final assignment
                assertThat(KMeans.cluster(rows, shape[2], seed, 2, 3))
                        .containsExactly(ReferenceMetrics.kMeans(rows, shape[2], seed, 2, 3));
            }
        }
    }

    @Test
    void retrievalReportEqualsTheReferenceFigureForFigure() {
        Random random = new Random(11);
        for (int[] shape : new int[][] {{12, 3, 2}, {400, 6, 5}, {900, 32, 10}}) {
            float[][] tied = tiedRows(random, shape[0], shape[1]);
            float[][] gaussian = gaussianRows(random, shape[0], shape[1]);
            int[] labels = labels(random, shape[0], shape[2]);
            assertThat(RetrievalReport.evaluate(tied, labels, 1)).isEqualTo(ReferenceMetrics.report(tied, labels, 1));
            assertThat(RetrievalReport.evaluate(gaussian, labels, 1))
                    .isEqualTo(ReferenceMetrics.report(gaussian, labels, 1));
        }
    }
}
