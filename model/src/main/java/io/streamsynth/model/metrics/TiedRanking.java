package io.streamsynth.model.metrics;

/**
 * One query's ranking as groups of tied neighbours: group g holds {@code sizes[g]} items of equal
 * similarity, {@code relevant[g]} of them with the query's label, and groups run from most to
 * least similar. The groups cover at least the ranks a metric reads; the last one is complete
 * even where it extends past them.
 *
 * <p>Within a group no order is better founded than another, so the figures here are expectations
 * over all orders of each group, equally likely: a tied group of n items with r relevant puts a
 * relevant item at each of its ranks with probability r/n. The figures therefore do not depend on
 * the order of the input.
 */
final class TiedRanking {
    private final int[] sizes;
    private final int[] relevant;

    TiedRanking(int[] sizes, int[] relevant) {
        this.sizes = sizes;
        this.relevant = relevant;
    }

    /** Same groups, same sizes and same relevant counts, in the same order. */
    @Override
    public boolean equals(Object other) {
        return other instanceof TiedRanking t && java.util.Arrays.equals(sizes, t.sizes)
                && java.util.Arrays.equals(relevant, t.relevant);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Arrays.hashCode(sizes) + java.util.Arrays.hashCode(relevant);
    }

    /** Groups as size/relevant pairs, most similar first. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("[");
        for (int g = 0; g < sizes.length; g++) {
            text.append(g == 0 ? "" : ", ").append(sizes[g]).append('/').append(relevant[g]);
        }
        return text.append(']').toString();
    }

    /** A ranking without ties, each neighbour its own group. */
    static TiedRanking strict(int[] neighbours, int[] labels, int query) {
        int[] sizes = new int[neighbours.length];
        int[] relevant = new int[neighbours.length];
        for (int r = 0; r < neighbours.length; r++) {
            sizes[r] = 1;
            relevant[r] = labels[neighbours[r]] == labels[query] ? 1 : 0;
        }
        return new TiedRanking(sizes, relevant);
    }

    /** Ranks covered. */
    int depth() {
        int total = 0;
        for (int s : sizes) {
            total += s;
        }
        return total;
    }

    /**
     * Probability that a relevant item is among the first k: 1 once a group wholly inside the
     * first k holds one; for the group that straddles rank k, with m of its n places inside and r
     * relevant, 1 - C(n - r, m) / C(n, m) (no relevant item among m drawn without replacement).
     */
    double hitWithin(int k) {
        int start = 0;
        for (int g = 0; g < sizes.length && start < k; g++) {
            int n = sizes[g];
            int r = relevant[g];
            if (r > 0) {
                if (start + n <= k) {
                    return 1.0;
                }
                int m = k - start;
                double allMiss = 1.0;
                for (int t = 0; t < m; t++) {
                    allMiss *= (double) (n - r - t) / (n - t);
                }
                return 1.0 - allMiss;
            }
            start += n;
        }
        return 0.0;
    }

    /**
     * Expected average precision at R (Musgrave et al. 2020), (1/R) sum over k <= R of P@k where
     * rank k is relevant. By linearity it is a sum over ranks: at rank k inside a group that
     * starts after rank s, holds n items, r relevant, with c relevant items in earlier groups,
     * rank k is relevant with probability r/n, and then the k - s - 1 earlier places of its group
     * hold (k - s - 1)(r - 1)/(n - 1) relevant items on average.
     */
    double averagePrecisionAt(int r) {
        double sum = 0;
        int start = 0;
        int before = 0;
        for (int g = 0; g < sizes.length && start < r; g++) {
            int n = sizes[g];
            int rel = relevant[g];
            if (rel > 0) {
                for (int k = start + 1; k <= Math.min(r, start + n); k++) {
                    double earlierInGroup = n == 1 ? 0 : (double) (k - start - 1) * (rel - 1) / (n - 1);
                    sum += (double) rel / n * (before + 1 + earlierInGroup) / k;
                }
            }
            before += rel;
            start += n;
        }
        return sum / r;
    }
}
