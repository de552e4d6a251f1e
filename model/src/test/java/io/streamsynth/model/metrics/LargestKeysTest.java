package io.streamsynth.model.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LargestKeysTest {

    /** The m largest by sorting everything, largest first. */
    private static long[] bySorting(long[] keys, int m) {
        long[] sorted = keys.clone();
        Arrays.sort(sorted);
        long[] out = new long[Math.min(m, sorted.length)];
        for (int r = 0; r < out.length; r++) {
            out[r] = sorted[sorted.length - 1 - r];
        }
        return out;
    }

    @Test
    void keepsTheLargestInDescendingOrderForEveryCutAndInputOrder() {
        Random random = new Random(9);
        for (int n : new int[] {0, 1, 2, 3, 10, 257, 2000}) {
            long[] distinct = random.longs(n).toArray();
            long[] ascending = distinct.clone();
            Arrays.sort(ascending);
            long[] descending = bySorting(ascending, n);
            long[] fewValues = random.longs(n, -3, 3).toArray();
            long[] allEqual = new long[n];
            long[] sawTooth = new long[n];
            for (int i = 0; i < n; i++) {
                sawTooth[i] = i % 7 - (i & 1) * 1000L;
            }
            for (long[] keys : new long[][] {distinct, ascending, descending, fewValues, allEqual, sawTooth}) {
                for (int m : new int[] {0, 1, n / 5, n / 2, n - 1, n, n + 3}) {
                    if (m < 0) {
                        continue;
                    }
                    long[] expected = bySorting(keys, m);
                    long[] work = Arrays.copyOf(keys, n + 5);
                    assertThat(LargestKeys.descending(work, n, m)).as("n %d, m %d", n, m).containsExactly(expected);
                }
            }
        }
    }

    @Test
    void readsOnlyTheGivenCount() {
        long[] keys = {5, 1, 9, 100, 200};

        assertThat(LargestKeys.descending(keys, 3, 2)).containsExactly(9, 5);
    }
}
