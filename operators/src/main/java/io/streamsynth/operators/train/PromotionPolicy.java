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
     * 1,219 stayed served (docs/BENCHMARKS.md section 4, "The promotion gate's tolerance").
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

    /** The job's defaults: {@link #DEFAULT_TOLERANCE}, at most one promotion per publish interval. */
    public static PromotionPolicy defaults(Duration publishInterval) {
        return new PromotionPolicy(DEFAULT_TOLERANCE, publishInterval);
    }
}
