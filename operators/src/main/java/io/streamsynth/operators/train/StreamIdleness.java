package io.streamsynth.operators.train;

import java.time.Duration;

/**
 * Whether one catalog's stream of training batches has gone idle, so that the steps trained since the
 * last version can be published at once rather than when the publish interval ends (issue 14, part 2:
 * the last model of a stream that stopped should not wait up to the interval).
 *
 * <p>Idle means no step for at least {@code minIdle} <em>and</em> for at least {@link #GAP_FACTOR} times
 * the typical gap between steps, an exponentially weighted mean of the recent gaps (weight
 * {@link #WEIGHT} for the newest). The second rule keeps a stream that trickles a batch every few
 * seconds from looking idle after each batch, which would publish (evaluate and send) a version per
 * batch: with gaps of 3 s the stream is idle only after 12 s without a batch. Each gap counts at most
 * {@code GAP_FACTOR x minIdle}, so one long pause before a burst is forgotten within a few steps.
 *
 * <p>Times are processing-time milliseconds. Not checkpointed: after a restore the typical gap is
 * learned again from the next steps.
 */
final class StreamIdleness {
    /** How many typical gaps without a step make the stream idle. */
    static final int GAP_FACTOR = 4;
    /** Weight of the newest gap in the typical gap. */
    static final double WEIGHT = 0.2;

    private final long minIdleMillis;
    private final long maxGapMillis;
    /** -1 before the first step. */
    private long lastStepMillis = -1;
    /** -1 before the first gap. */
    private double typicalGapMillis = -1;

    /** @param minIdle at least this long without a step; positive */
    StreamIdleness(Duration minIdle) {
        if (minIdle == null || minIdle.toMillis() <= 0) {
            throw new IllegalArgumentException("publish-when-idle must be positive, got " + minIdle);
        }
        this.minIdleMillis = minIdle.toMillis();
        this.maxGapMillis = GAP_FACTOR * minIdleMillis;
    }

    /** A training step ran at {@code now}. */
    void stepped(long now) {
        if (lastStepMillis >= 0) {
            double gap = Math.min(Math.max(0, now - lastStepMillis), maxGapMillis);
            typicalGapMillis = typicalGapMillis < 0 ? gap : (1 - WEIGHT) * typicalGapMillis + WEIGHT * gap;
        }
        lastStepMillis = now;
    }

    /** When the stream counts as idle if no step comes before; -1 before the first step. */
    long idleAt() {
        if (lastStepMillis < 0) {
            return -1;
        }
        long wait = Math.max(minIdleMillis, Math.round(GAP_FACTOR * Math.max(0, typicalGapMillis)));
        return lastStepMillis + wait;
    }

    /** True when a step ran and none followed for long enough (see the class comment). */
    boolean idle(long now) {
        return lastStepMillis >= 0 && now >= idleAt();
    }
}
