package io.streamsynth.bench.step;

import java.util.Arrays;

/**
 * Median and quartiles of repeated measurements, by linear interpolation between order statistics
 * (the method of numpy's default percentile), so two runs of few rounds compare like for like.
 */
public record Quartiles(double q1, double median, double q3) {
    public static Quartiles of(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        double[] v = values.clone();
        Arrays.sort(v);
        return new Quartiles(at(v, 0.25), at(v, 0.5), at(v, 0.75));
    }

    private static double at(double[] sorted, double p) {
        double pos = p * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
