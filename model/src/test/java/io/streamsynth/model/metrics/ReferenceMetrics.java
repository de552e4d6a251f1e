package io.streamsynth.model.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * The metrics computed the plain way, one pair and one row at a time with no blocking, no SIMD-friendly
 * layout and no threads: what the fast code in this package must reproduce bit for bit.
 */
final class ReferenceMetrics {

    private ReferenceMetrics() {
    }

    /** Cosine similarity of unit rows i and j as the definition sums it: over k in order, from 0f. */
    static float similarity(UnitRows unit, int i, int j) {
        float s = 0f;
        for (int k = 0; k < unit.dims; k++) {
            s += unit.values[i * unit.dims + k] * unit.values[j * unit.dims + k];
        }
        return s;
    }

    /** Every other item sorted by similarity, most similar first, lower index first on a tie. */
    static List<Integer> order(UnitRows unit, int q) {
        List<Integer> others = new ArrayList<>();
        for (int j = 0; j < unit.rows; j++) {
            if (j != q) {
                others.add(j);
            }
        }
        // + 0f: -0.0 and 0.0 are the same similarity
        others.sort(Comparator.comparingDouble((Integer j) -> -(similarity(unit, q, j) + 0f))
                .thenComparingInt(j -> j));
        return others;
    }

    static int[][] topM(float[][] embeddings, int m) {
        UnitRows unit = UnitRows.of(embeddings);
        int[][] out = new int[unit.rows][];
        for (int q = 0; q < unit.rows; q++) {
            List<Integer> order = order(unit, q);
            out[q] = order.subList(0, Math.min(m, order.size())).stream().mapToInt(Integer::intValue).toArray();
        }
        return out;
    }

    /** Groups of equal similarity covering the first {@code depth} ranks, the last group complete. */
    static TiedRanking[] rankings(float[][] embeddings, int[] labels, int depth) {
        UnitRows unit = UnitRows.of(embeddings);
        TiedRanking[] out = new TiedRanking[unit.rows];
        for (int q = 0; q < unit.rows; q++) {
            List<Integer> order = order(unit, q);
            int covered = Math.min(depth, order.size());
            List<Integer> sizes = new ArrayList<>();
            List<Integer> relevant = new ArrayList<>();
            int rank = 0;
            while (rank < covered) {
                float s = similarity(unit, q, order.get(rank)) + 0f;
                int size = 0;
                int rel = 0;
                while (rank < order.size() && similarity(unit, q, order.get(rank)) + 0f == s) {
                    rel += labels[order.get(rank)] == labels[q] ? 1 : 0;
                    size++;
                    rank++;
                }
                sizes.add(size);
                relevant.add(rel);
            }
            out[q] = new TiedRanking(sizes.stream().mapToInt(Integer::intValue).toArray(),
                    relevant.stream().mapToInt(Integer::intValue).toArray());
        }
        return out;
    }

    static RetrievalReport report(float[][] embeddings, int[] labels, long seed) {
        LabelCounts counts = new LabelCounts(labels);
        int depth = Math.max(8, counts.largestSameLabelOthers());
        TiedRanking[] rankings = rankings(embeddings, labels, depth);
        double[] recall = RecallAtK.fromRankings(rankings, 1, 2, 4, 8);
        double nmi = NormalizedMutualInformation.compute(labels, kMeans(embeddings, counts.distinct(), seed,
                KMeans.DEFAULT_MAX_ITERATIONS, KMeans.DEFAULT_RESTARTS));
        return new RetrievalReport(embeddings.length, recall[0], recall[1], recall[2], recall[3], nmi,
                MapAtR.fromRankings(rankings, labels));
    }

    /**
     * Best of {@code restarts} seeded k-means++ starts followed by Lloyd iterations, distances summed in
     * double over the dimensions in order, the lower centroid on a tie, the earlier run on equal inertia.
     */
    static int[] kMeans(float[][] embeddings, int k, long seed, int maxIterations, int restarts) {
        UnitRows unit = UnitRows.of(embeddings);
        Random seeds = new Random(seed);
        int[] best = null;
        double bestInertia = Double.POSITIVE_INFINITY;
        for (int run = 0; run < restarts; run++) {
            Random random = new Random(seeds.nextLong());
            double[][] centroids = new double[k][];
            centroids[0] = row(unit, random.nextInt(unit.rows));
            double[] nearest = new double[unit.rows];
            Arrays.fill(nearest, Double.POSITIVE_INFINITY);
            for (int c = 1; c < k; c++) {
                double total = 0;
                for (int i = 0; i < unit.rows; i++) {
                    nearest[i] = Math.min(nearest[i], distance(unit, i, centroids[c - 1]));
                    total += nearest[i];
                }
                centroids[c] = row(unit, draw(nearest, total, random));
            }
            int[] assignment = new int[unit.rows];
            Arrays.fill(assignment, -1);
            for (int iteration = 0; iteration < maxIterations; iteration++) {
                boolean moved = false;
                for (int i = 0; i < unit.rows; i++) {
                    int nearestCentroid = 0;
                    double nearestDistance = Double.POSITIVE_INFINITY;
                    for (int c = 0; c < k; c++) {
                        double dist = distance(unit, i, centroids[c]);
                        if (dist < nearestDistance) {
                            nearestDistance = dist;
                            nearestCentroid = c;
                        }
                    }
                    moved |= assignment[i] != nearestCentroid;
                    assignment[i] = nearestCentroid;
                }
                if (!moved) {
                    break;
                }
                double[][] sums = new double[k][unit.dims];
                int[] sizes = new int[k];
                for (int i = 0; i < unit.rows; i++) {
                    sizes[assignment[i]]++;
                    for (int d = 0; d < unit.dims; d++) {
                        sums[assignment[i]][d] += unit.values[i * unit.dims + d];
                    }
                }
                for (int c = 0; c < k; c++) {
                    for (int d = 0; d < unit.dims && sizes[c] > 0; d++) {
                        centroids[c][d] = sums[c][d] / sizes[c];
                    }
                }
            }
            double inertia = 0;
            for (int i = 0; i < unit.rows; i++) {
                inertia += distance(unit, i, centroids[assignment[i]]);
            }
            if (best == null || inertia < bestInertia) {
                best = assignment;
                bestInertia = inertia;
            }
        }
        return best;
    }

    private static int draw(double[] weights, double total, Random random) {
        if (total <= 0) {
            return random.nextInt(weights.length);
        }
        double target = random.nextDouble() * total;
        int last = -1;
        for (int i = 0; i < weights.length; i++) {
            if (weights[i] > 0) {
                last = i;
                target -= weights[i];
                if (target < 0) {
                    return i;
                }
            }
        }
        return last;
    }

    private static double distance(UnitRows unit, int i, double[] centroid) {
        double sum = 0;
        for (int d = 0; d < unit.dims; d++) {
            double diff = unit.values[i * unit.dims + d] - centroid[d];
            sum += diff * diff;
        }
        return sum;
    }

    private static double[] row(UnitRows unit, int i) {
        double[] copy = new double[unit.dims];
        for (int d = 0; d < unit.dims; d++) {
            copy[d] = unit.values[i * unit.dims + d];
        }
        return copy;
    }
}
