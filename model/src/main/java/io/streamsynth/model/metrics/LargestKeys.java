package io.streamsynth.model.metrics;

import java.util.Arrays;

/**
 * The largest {@code m} of a set of long keys, largest first. A quickselect puts them at the end of the
 * array in expected linear time and only they are sorted: for a query's m = 400 nearest of 2,000 items
 * that is a few thousand comparisons, where a bounded heap fed every key sifts for about a thousand of
 * them. The result is the same set in the same order whichever way it is found.
 */
final class LargestKeys {

    private LargestKeys() {
    }

    /**
     * The {@code min(m, count)} largest of {@code keys[0, count)}, in descending order; reorders that
     * range of {@code keys}.
     */
    static long[] descending(long[] keys, int count, int m) {
        int keep = Math.min(m, count);
        if (keep < count) {
            select(keys, 0, count - 1, count - keep);
        }
        long[] kept = Arrays.copyOfRange(keys, count - keep, count);
        Arrays.sort(kept);
        for (int lo = 0, hi = kept.length - 1; lo < hi; lo++, hi--) {
            long swap = kept[lo];
            kept[lo] = kept[hi];
            kept[hi] = swap;
        }
        return kept;
    }

    /**
     * Rearranges {@code a[lo, hi]} so that position {@code k} holds the key a sort would put there, with
     * no larger key before it and no smaller one after. Hoare partitions around a median of three; a
     * range that keeps failing to shrink (an unlucky or adversarial order) is sorted instead, so the
     * worst case stays O(n log n).
     */
    private static void select(long[] a, int lo, int hi, int k) {
        int rounds = 2 * (32 - Integer.numberOfLeadingZeros(hi - lo + 1)) + 8;
        while (lo < hi) {
            if (rounds-- == 0) {
                Arrays.sort(a, lo, hi + 1);
                return;
            }
            long pivot = medianOfThree(a[lo], a[(lo + hi) >>> 1], a[hi]);
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (a[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    long swap = a[i];
                    a[i] = a[j];
                    a[j] = swap;
                    i++;
                    j--;
                }
            }
            // now a[lo, j] <= pivot <= a[i, hi], and everything strictly between j and i equals the pivot
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                return;
            }
        }
    }

    private static long medianOfThree(long x, long y, long z) {
        return Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
    }
}
