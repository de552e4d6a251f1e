package io.streamsynth.operators.train;

import java.time.Duration;

/**
 * Whether one catalog's stream of training batches has gone idle, so that the steps trained since the
 * last version can be published at once rather than when the publish interval ends (issue 14, part 2:
 * the last model of a stream that stopped should not wait up to the interval).
 *
 * <p>Idle means no step for at least {@code minIdle} <em>and</em> for at least {@link #GAP_FACTOR} times
 * the longest gap between the last {@link #WINDOW} steps. The second rule keeps a stream that merely
 * pauses from looking idle: one that trickles a batch every 3 s is idle only after 6 s without one, and
 * a trainer starved by its decoder on a loaded machine, which pauses for seconds between steps, waits
 * for the interval as before rather than publishing (evaluating, encoding, sending) at every pause.
 * Each gap counts at most {@code GAP_FACTOR x GAP_FACTOR x minIdle} (8 s for 2 s), so a stream is idle
 * after 16 s at the most, and one long pause before a burst leaves the window after {@code WINDOW} steps.
 *
 * <p>Times are processing-time milliseconds. Not checkpointed: after a restore the gaps are learned
 * again from the next steps.
 */
final class StreamIdleness {
    /** How many times the longest recent gap without a step makes the stream idle. */
    static final int GAP_FACTOR = 2;
    /** Recent gaps remembered. */
    static final int WINDOW = 32;

    private final long minIdleMillis;
    private final long maxGapMillis;
    private final long[] gaps = new long[WINDOW];
    private int gapCount;
    /** -1 before the first step. */
    private long lastStepMillis = -1;

    /** @param minIdle at least this long without a step; positive */
    StreamIdleness(Duration minIdle) {
        if (minIdle == null || minIdle.toMillis() <= 0) {
            throw new IllegalArgumentException("publish-when-idle must be positive, got " + minIdle);
        }
        this.minIdleMillis = minIdle.toMillis();
        this.maxGapMillis = GAP_FACTOR * GAP_FACTOR * minIdleMillis;
    }

    /** A training step ran at {@code now}. */
    void stepped(long now) {
        if (lastStepMillis >= 0) {
            gaps[gapCount % WINDOW] = Math.min(Math.max(0, now - lastStepMillis), maxGapMillis);
            gapCount++;
        }
        lastStepMillis = now;
    }

    /** When the stream counts as idle if no step comes before; -1 before the first step. */
    long idleAt() {
        if (lastStepMillis < 0) {
            return -1;
        }
        long longest = 0;
        for (int i = 0; i < Math.min(gapCount, WINDOW); i++) {
            longest = Math.max(longest, gaps[i]);
        }
        return lastStepMillis + Math.max(minIdleMillis, GAP_FACTOR * longest);
    }

    /** True when a step ran and none followed for long enough (see the class comment). */
    boolean idle(long now) {
        return lastStepMillis >= 0 && now >= idleAt();
    }
}
