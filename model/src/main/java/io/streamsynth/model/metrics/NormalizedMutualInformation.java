package io.streamsynth.model.metrics;

import java.util.HashMap;
import java.util.Map;

/**
 * Normalised mutual information between two labelings, with natural logs and the arithmetic mean
 * of the two entropies as normaliser (scikit-learn's default). Label values only name groups, so
 * relabeling either side leaves the score unchanged.
 */
public final class NormalizedMutualInformation {

    private NormalizedMutualInformation() {
    }

    /**
     * NMI in [0, 1]. When both sides are a single cluster (or empty) they agree perfectly and the
     * score is 1; when only one side is, it carries no information about the other and the score
     * is 0. Both follow from scikit-learn, which avoids the 0/0 the formula gives there.
     */
    public static double compute(int[] a, int[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(
                    "labelings differ in length: " + a.length + " vs " + b.length);
        }
        Map<Integer, Integer> rowOf = denseIndex(a);
        Map<Integer, Integer> columnOf = denseIndex(b);
        if (rowOf.size() <= 1 && columnOf.size() <= 1) {
            return 1.0;
        }
        if (rowOf.size() == 1 || columnOf.size() == 1) {
            return 0.0;
        }
        long[][] table = new long[rowOf.size()][columnOf.size()];
        long[] rowTotals = new long[rowOf.size()];
        long[] columnTotals = new long[columnOf.size()];
        for (int i = 0; i < a.length; i++) {
            int r = rowOf.get(a[i]);
            int c = columnOf.get(b[i]);
            table[r][c]++;
            rowTotals[r]++;
            columnTotals[c]++;
        }
        double n = a.length;
        double mutual = 0;
        for (int r = 0; r < table.length; r++) {
            for (int c = 0; c < table[r].length; c++) {
                if (table[r][c] > 0) {
                    double joint = table[r][c];
                    mutual += joint / n * Math.log(n * joint / ((double) rowTotals[r] * columnTotals[c]));
                }
            }
        }
        double normaliser = (entropy(rowTotals, n) + entropy(columnTotals, n)) / 2;
        // Rounding can push the ratio a hair outside [0, 1] for identical or independent labelings.
        return Math.max(0.0, Math.min(1.0, mutual / normaliser));
    }

    private static double entropy(long[] totals, double n) {
        double h = 0;
        for (long total : totals) {
            double p = total / n;
            h -= p * Math.log(p);
        }
        return h;
    }

    private static Map<Integer, Integer> denseIndex(int[] labels) {
        Map<Integer, Integer> index = new HashMap<>();
        for (int label : labels) {
            index.putIfAbsent(label, index.size());
        }
        return index;
    }
}
