package io.streamsynth.bench.growing;

import java.util.Arrays;

/** Nearest-rank percentiles of delays in which "never" (a missing value) ranks above every delay. */
public final class Percentile {
    /** Stands for a delay that never ended (an item that was never embedded). */
    public static final long NEVER = Long.MAX_VALUE;

    private Percentile() {}

    /**
     * The nearest-rank {@code q} percentile: the smallest value with at least {@code q} of the values at
     * or below it ({@code ceil(q * n)}-th smallest).
     *
     * @param values delays, {@link #NEVER} for missing ones; not changed
     * @param q      in (0, 1]
     * @return the percentile, {@link #NEVER} when it falls on a missing value, -1 for no values
     */
    public static long nearestRank(long[] values, double q) {
        if (!(q > 0 && q <= 1)) {
            throw new IllegalArgumentException("q must be within (0, 1], got " + q);
        }
        if (values.length == 0) {
            return -1;
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        // 0.99 * 100 is 99.00000000000001 in doubles: without the margin the rank would be 100
        int rank = (int) Math.ceil(q * sorted.length - 1e-9);
        return sorted[Math.max(0, rank - 1)];
    }
}
