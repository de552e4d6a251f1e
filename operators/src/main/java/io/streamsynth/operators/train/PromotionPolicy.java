package io.streamsynth.operators.train;

import java.io.Serializable;
import java.time.Duration;

/**
 * When a trained version may replace the one the embedder serves (issue 12, part 5).
 *
 * @param tolerance          how far, in absolute Recall@1 (0.01 = one point), a candidate's held-out
 *                           Recall@1 may fall below the promoted version's on the same held-out items
 *                           and still be promoted; within 0..1, 0 = it must not be lower
 * @param minRefreshInterval at least this long between two promotions of a catalog (each one
 *                           re-embeds the whole catalog); zero allows any rate
 */
public record PromotionPolicy(double tolerance, Duration minRefreshInterval) implements Serializable {
    /**
     * Half a point of held-out Recall@1: about one standard error of that figure at the default held-out
     * capacity (sqrt(p (1 - p) / n) is 0.0035 for p = 0.975 and n = 2,000, 0.0067 for p = 0.9), so the gate
     * refuses real drops, not a few items' luck. With 0, the seen-class held-out figure, which saturates near
     * 0.975 while zero-shot retrieval still improves, froze a quickstart's served model: its last four
     * versions were refused for drops of 0.0007 to 0.005 (1 to 10 of about 2,000 items) and step 778 of
     * 1,219 stayed served (docs/BENCHMARKS.md section 4, "Idle publishes, the tolerance and a 30 s refresh
     * interval").
     */
    public static final double DEFAULT_TOLERANCE = 0.005;

    public PromotionPolicy {
        if (!(tolerance >= 0 && tolerance <= 1)) {
            throw new IllegalArgumentException("promotion-tolerance must be within 0..1 (Recall@1 points), got "
                    + tolerance);
        }
        if (minRefreshInterval == null || minRefreshInterval.isNegative()) {
            throw new IllegalArgumentException("min-refresh-interval must not be negative, got " + minRefreshInterval);
        }
    }

    /** The job's defaults: {@link #DEFAULT_TOLERANCE}, {@link #defaultMinRefreshInterval}. */
    public static PromotionPolicy defaults(Duration publishInterval) {
        return new PromotionPolicy(DEFAULT_TOLERANCE, defaultMinRefreshInterval(publishInterval));
    }

    /**
     * Twice the publish interval (30 s with the default 15 s), at most a year: every other candidate at the
     * default cadence. Each promotion re-embeds the whole catalog on the embedder, and on the 2-core machine
     * of docs/BENCHMARKS.md (section 4, "Idle publishes, the tolerance and a 30 s refresh interval") one
     * promotion per 15 s kept the trainer at 0.56x the bare loop's images/s and the quickstart at 101 to 104 s,
     * one per 30 s at 0.67x and 84 to 89 s; a stream that stops still gets its last model served at once
     * (see {@link PromotionGate#STREAM_IDLE}).
     */
    public static Duration defaultMinRefreshInterval(Duration publishInterval) {
        Duration twice = publishInterval.multipliedBy(2);
        Duration year = Duration.ofDays(365);
        return twice.compareTo(year) > 0 ? year : twice;
    }
}
