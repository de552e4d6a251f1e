package io.streamsynth.model.metrics;

import java.util.Arrays;

/**
 * Unit rows widened to double once and laid out for k-means: dimension by dimension, so that the
 * squared distances of many rows to one centre are a loop over adjacent doubles that the JIT turns into
 * SIMD instructions, and row by row, so that a cluster's sum adds a row as one such loop. Built once
 * per clustering and shared by all its restarts.
 *
 * <p>Every distance is {@code sum over k in order of (row[k] - centre[k])^2}, from 0.0, in double, and
 * every cluster sum adds its rows in index order, exactly as the plain loops do, so results are
 * bit-identical to them (SIMD lanes round each operation as scalar code does, and Java never fuses the
 * multiply and add).
 */
final class CentroidDistances {
    /** Rows per block of {@link #nearest}: the block's values (rows x dims doubles) stay in cache. */
    private static final int BLOCK = 256;

    final int rows;
    final int dims;
    /** byDimension[b][k][r] = value k of row b * BLOCK + r. */
    private final double[][][] byDimension;
    /** byRow[i][k] = row i's value k. */
    private final double[][] byRow;

    CentroidDistances(UnitRows unit) {
        rows = unit.rows;
        dims = unit.dims;
        byDimension = new double[blocks()][dims][];
        byRow = new double[rows][dims];
        for (int b = 0; b < byDimension.length; b++) {
            for (int k = 0; k < dims; k++) {
                byDimension[b][k] = new double[blockEnd(b) - b * BLOCK];
            }
        }
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < dims; k++) {
                double value = unit.values[i * dims + k];
                byDimension[i / BLOCK][k][i % BLOCK] = value;
                byRow[i][k] = value;
            }
        }
    }

    private int blockEnd(int b) {
        return Math.min(rows, (b + 1) * BLOCK);
    }

    /** Squared distance of every row to {@code centre}, written to {@code out[0, rows)}. */
    void toCentre(double[] centre, double[] out) {
        double[] distance = new double[BLOCK];
        for (int b = 0; b < byDimension.length; b++) {
            int width = blockEnd(b) - b * BLOCK;
            Arrays.fill(distance, 0.0);
            addSquaredDistances(byDimension[b], centre, width, distance);
            System.arraycopy(distance, 0, out, b * BLOCK, width);
        }
    }

    /** Squared distance of row i to {@code centre}. */
    double squared(int i, double[] centre) {
        double[] row = byRow[i];
        double sum = 0;
        for (int k = 0; k < dims; k++) {
            double diff = row[k] - centre[k];
            sum += diff * diff;
        }
        return sum;
    }

    /** A copy of row i, as a centre to start from. */
    double[] row(int i) {
        return byRow[i].clone();
    }

    /** Adds row i's values to {@code sums}. */
    void addRow(int i, double[] sums) {
        double[] row = byRow[i];
        for (int k = 0; k < dims; k++) {
            sums[k] += row[k];
        }
    }

    int blocks() {
        return (rows + BLOCK - 1) / BLOCK;
    }

    /**
     * For the rows of block b: the index of the nearest centre (the lower one on a tie) written to
     * {@code nearest}; returns how many of them differed from what {@code nearest} held.
     */
    int nearest(int b, double[][] centres, int[] nearest) {
        int from = b * BLOCK;
        int width = blockEnd(b) - from;
        double[] best = new double[width];
        double[] distance = new double[width];
        int[] choice = new int[width];
        Arrays.fill(best, Double.POSITIVE_INFINITY);
        double[] second = new double[width];
        int c = 0;
        for (; c + 1 < centres.length; c += 2) {
            Arrays.fill(distance, 0.0);
            Arrays.fill(second, 0.0);
            double[][] block = byDimension[b];
            for (int k = 0; k < block.length; k++) {
                addSquares(block[k], centres[c][k], centres[c + 1][k], width, distance, second);
            }
            keepNearer(distance, c, width, best, choice);
            keepNearer(second, c + 1, width, best, choice);
        }
        if (c < centres.length) {
            Arrays.fill(distance, 0.0);
            addSquaredDistances(byDimension[b], centres[c], width, distance);
            keepNearer(distance, c, width, best, choice);
        }
        int changed = 0;
        for (int r = 0; r < width; r++) {
            changed += nearest[from + r] == choice[r] ? 0 : 1;
            nearest[from + r] = choice[r];
        }
        return changed;
    }

    /** Where centre c is strictly nearer than the best so far, it becomes the choice: the lower centre wins ties. */
    private static void keepNearer(double[] distance, int c, int width, double[] best, int[] choice) {
        for (int r = 0; r < width; r++) {
            if (distance[r] < best[r]) {
                best[r] = distance[r];
                choice[r] = c;
            }
        }
    }

    /** Adds, dimension by dimension, {@code (row[k] - centre[k])^2} to {@code out[r]} for a block's rows. */
    private static void addSquaredDistances(double[][] block, double[] centre, int width, double[] out) {
        for (int k = 0; k < block.length; k++) {
            addSquares(block[k], centre[k], width, out);
        }
    }

    /** One dimension's squared differences to two centres at once: each value is loaded once for both. */
    private static void addSquares(double[] values, double centre, double other, int width, double[] out,
            double[] otherOut) {
        for (int r = 0; r < width; r++) {
            double value = values[r];
            double diff = value - centre;
            out[r] += diff * diff;
            double otherDiff = value - other;
            otherOut[r] += otherDiff * otherDiff;
        }
    }

    private static void addSquares(double[] values, double centre, int width, double[] out) {
        for (int r = 0; r < width; r++) {
            double diff = values[r] - centre;
            out[r] += diff * diff;
        }
    }
}
