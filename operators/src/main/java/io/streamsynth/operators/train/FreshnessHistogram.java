package io.streamsynth.operators.train;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Delays in milliseconds, counted in logarithmic buckets so that a version's summary stays a few
 * hundred bytes however many samples it trained on, and summaries of many versions merge into the
 * distribution over all of them (percentiles of percentiles would not).
 *
 * <p>Bucket 0 holds delays under 1 ms; bucket i >= 1 holds delays in (G^(i-1), G^i] with G = 1.04,
 * so a percentile read back is the upper bound of its bucket: never below the true value and at
 * most 4% above it.
 */
public final class FreshnessHistogram {
    public static final double GROWTH = 1.04;
    private static final double LOG_GROWTH = Math.log(GROWTH);

    /** Bucket index to count; sorted so percentiles walk it in order. */
    private final TreeMap<Integer, Long> counts = new TreeMap<>();
    private long total;
    private long maxMillis;

    public void record(long delayMillis) {
        long delay = Math.max(0, delayMillis);
        counts.merge(bucketOf(delay), 1L, Long::sum);
        total++;
        maxMillis = Math.max(maxMillis, delay);
    }

    public void merge(FreshnessHistogram other) {
        other.counts.forEach((bucket, n) -> counts.merge(bucket, n, Long::sum));
        total += other.total;
        maxMillis = Math.max(maxMillis, other.maxMillis);
    }

    public long count() {
        return total;
    }

    public long maxMillis() {
        return maxMillis;
    }

    /**
     * The smallest bucket bound that at least {@code q} of the delays do not exceed, capped at the
     * largest delay seen; -1 when empty.
     *
     * @param q quantile within (0, 1]
     */
    public long percentileMillis(double q) {
        if (!(q > 0 && q <= 1)) {
            throw new IllegalArgumentException("quantile must be within (0, 1], got " + q);
        }
        if (total == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (Map.Entry<Integer, Long> e : counts.entrySet()) {
            seen += e.getValue();
            if (seen >= rank) {
                return Math.min(upperBound(e.getKey()), maxMillis);
            }
        }
        return maxMillis;
    }

    static int bucketOf(long delayMillis) {
        if (delayMillis < 1) {
            return 0;
        }
        int i = (int) Math.ceil(Math.log(delayMillis) / LOG_GROWTH);
        // the logarithm can land a hair on either side of an exact bucket bound
        while (i > 1 && upperBound(i - 1) >= delayMillis) {
            i--;
        }
        while (upperBound(i) < delayMillis) {
            i++;
        }
        return Math.max(i, 1);
    }

    static long upperBound(int bucket) {
        return bucket == 0 ? 0 : (long) Math.floor(Math.pow(GROWTH, bucket));
    }

    /**
     * The compact form published in checkpoint metadata: count, p50, p99 and max in milliseconds,
     * and the non-empty buckets as index to count.
     */
    public Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", total);
        out.put("p50_millis", percentileMillis(0.5));
        out.put("p99_millis", percentileMillis(0.99));
        out.put("max_millis", maxMillis);
        out.put("bucket_growth", GROWTH);
        Map<String, Long> buckets = new LinkedHashMap<>();
        counts.forEach((bucket, n) -> buckets.put(Integer.toString(bucket), n));
        out.put("buckets", buckets);
        return out;
    }

    /**
     * Reads {@link #toMap()} back, as Jackson returns it from JSON (numbers of any width).
     *
     * @throws IllegalArgumentException when the map is not such a summary
     */
    public static FreshnessHistogram fromMap(Map<?, ?> map) {
        if (!(map.get("buckets") instanceof Map<?, ?> buckets) || !(map.get("max_millis") instanceof Number max)) {
            throw new IllegalArgumentException("not a freshness summary: " + map.keySet());
        }
        if (map.get("bucket_growth") instanceof Number g && Math.abs(g.doubleValue() - GROWTH) > 1e-9) {
            throw new IllegalArgumentException("freshness buckets grow by " + g + ", this reader knows " + GROWTH);
        }
        FreshnessHistogram h = new FreshnessHistogram();
        for (Map.Entry<?, ?> e : buckets.entrySet()) {
            int bucket = Integer.parseInt(e.getKey().toString());
            long n = ((Number) e.getValue()).longValue();
            if (bucket < 0 || n < 0) {
                throw new IllegalArgumentException("bad freshness bucket " + bucket + " = " + n);
            }
            h.counts.merge(bucket, n, Long::sum);
            h.total += n;
        }
        h.maxMillis = max.longValue();
        return h;
    }
}
