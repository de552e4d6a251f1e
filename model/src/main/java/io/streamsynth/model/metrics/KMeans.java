package io.streamsynth.model.metrics;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * K-means on unit-length rows (so Euclidean distance orders like cosine): several runs of Lloyd
 * iterations from seeded k-means++ starts, keeping the run with the lowest inertia (the sum of
 * squared distances to the assigned centres), as scikit-learn's n_init does. One run alone lands
 * in a local optimum that depends on the seed; the best of several rarely does. The same input and
 * seed always give the same assignment.
 */
public final class KMeans {

    public static final int DEFAULT_MAX_ITERATIONS = 100;
    /** scikit-learn's n_init before version 1.4. */
    public static final int DEFAULT_RESTARTS = 10;

    private KMeans() {
    }

    public static int[] cluster(float[][] embeddings, int k, long seed) {
        return cluster(embeddings, k, seed, DEFAULT_MAX_ITERATIONS, DEFAULT_RESTARTS);
    }

    /**
     * Cluster index in [0, k) per row, from the best of {@code restarts} runs (lowest inertia; the
     * earlier run on a tie); each run stops when no assignment changes or after maxIterations.
     *
     * @throws NonFiniteEmbeddingException when a row holds NaN or an infinity
     */
    public static int[] cluster(float[][] embeddings, int k, long seed, int maxIterations, int restarts) {
        UnitRows unit = UnitRows.of(embeddings);
        if (k < 1 || k > unit.rows) {
            throw new IllegalArgumentException("k must be in [1, " + unit.rows + "]: " + k);
        }
        if (maxIterations < 1) {
            throw new IllegalArgumentException("maxIterations must be positive: " + maxIterations);
        }
        if (restarts < 1) {
            throw new IllegalArgumentException("restarts must be positive: " + restarts);
        }
        CentroidDistances rows = new CentroidDistances(unit);
        Random seeds = new Random(seed);
        int[] best = null;
        double bestInertia = Double.POSITIVE_INFINITY;
        for (int run = 0; run < restarts; run++) {
            double[][] centroids = plusPlusCentroids(rows, k, new Random(seeds.nextLong()));
            int[] assignment = lloyd(rows, centroids, maxIterations);
            double inertia = inertia(rows, centroids, assignment);
            if (best == null || inertia < bestInertia) {
                best = assignment;
                bestInertia = inertia;
            }
        }
        return best;
    }

    /** Lloyd iterations; on return the centroids are the means of the returned assignment. */
    private static int[] lloyd(CentroidDistances rows, double[][] centroids, int maxIterations) {
        int[] assignment = new int[rows.rows];
        Arrays.fill(assignment, -1);
        for (int iteration = 0; iteration < maxIterations; iteration++) {
            if (!reassign(rows, centroids, assignment)) {
                break;
            }
            moveCentroids(rows, assignment, centroids);
        }
        return assignment;
    }

    private static double inertia(CentroidDistances rows, double[][] centroids, int[] assignment) {
        double sum = 0;
        for (int i = 0; i < rows.rows; i++) {
            sum += rows.squared(i, centroids[assignment[i]]);
        }
        return sum;
    }

    /**
     * k-means++: each further centre is drawn with probability proportional to its squared
     * distance from the nearest centre so far, which spreads the start over the data.
     */
    private static double[][] plusPlusCentroids(CentroidDistances rows, int k, Random random) {
        double[][] centroids = new double[k][];
        centroids[0] = rows.row(random.nextInt(rows.rows));
        double[] nearest = new double[rows.rows];
        double[] distance = new double[rows.rows];
        Arrays.fill(nearest, Double.POSITIVE_INFINITY);
        for (int c = 1; c < k; c++) {
            rows.toCentre(centroids[c - 1], distance);
            double total = 0;
            for (int i = 0; i < rows.rows; i++) {
                nearest[i] = Math.min(nearest[i], distance[i]);
                total += nearest[i];
            }
            centroids[c] = rows.row(drawProportional(nearest, total, random));
        }
        return centroids;
    }

    private static int drawProportional(double[] weights, double total, Random random) {
        // Fewer distinct rows than k leaves no weight; any row then serves as a duplicate centre.
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

    /** Nearest centroid per row, lower centroid index on ties; true when any row moved. */
    private static boolean reassign(CentroidDistances rows, double[][] centroids, int[] assignment) {
        // Blocks of rows are independent, so running them in parallel cannot change the result.
        return IntStream.range(0, rows.blocks()).parallel().map(b -> rows.nearest(b, centroids, assignment))
                .sum() > 0;
    }

    /** Mean of each cluster's rows; an emptied cluster keeps its old centre rather than vanish. */
    private static void moveCentroids(CentroidDistances rows, int[] assignment, double[][] centroids) {
        double[][] sums = new double[centroids.length][rows.dims];
        int[] sizes = new int[centroids.length];
        for (int i = 0; i < rows.rows; i++) {
            int c = assignment[i];
            sizes[c]++;
            rows.addRow(i, sums[c]);
        }
        for (int c = 0; c < centroids.length; c++) {
            if (sizes[c] > 0) {
                for (int d = 0; d < rows.dims; d++) {
                    centroids[c][d] = sums[c][d] / sizes[c];
                }
            }
        }
    }
}
