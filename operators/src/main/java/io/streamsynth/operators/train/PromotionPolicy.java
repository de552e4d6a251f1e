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

    public PromotionPolicy {
        if (!(tolerance >= 0 && tolerance <= 1)) {
            throw new IllegalArgumentException("promotion-tolerance must be within 0..1 (Recall@1 points), got "
                    + tolerance);
        }
        if (minRefreshInterval == null || minRefreshInterval.isNegative()) {
            throw new IllegalArgumentException("min-refresh-interval must not be negative, got " + minRefreshInterval);
        }
    }

    /** The job's defaults: no drop in Recall@1 tolerated, at most one promotion per publish interval. */
    public static PromotionPolicy defaults(Duration publishInterval) {
        return new PromotionPolicy(0, publishInterval);
    }
}
