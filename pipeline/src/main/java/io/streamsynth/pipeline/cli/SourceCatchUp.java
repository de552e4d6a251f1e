package io.streamsynth.pipeline.cli;

/**
 * Whether the job's images source has committed the end of the topic (see
 * {@link io.streamsynth.pipeline.kafka.GroupCommittedOffsets}), asked at most once per {@code everyMillis}. Once caught up it
 * stays so (the quickstart's feed has stopped, the topic no longer grows). A failed ask (a broker
 * starved of CPU that does not answer in time) means "not known yet", never "caught up": it is asked
 * again at the next turn, and until then the quiet period does not count.
 */
final class SourceCatchUp {
    /** The two figures compared; either may fail. */
    interface Offsets {
        /** Records before the job's committed offsets. */
        long committed() throws Exception;

        /** Records in the topic. */
        long inTopic() throws Exception;
    }

    private final Offsets offsets;
    private final long everyMillis;
    private long askedAt = Long.MIN_VALUE;
    private boolean caughtUp;
    private int failures;

    SourceCatchUp(Offsets offsets, long everyMillis) {
        if (everyMillis < 0) {
            throw new IllegalArgumentException("everyMillis must not be negative, got " + everyMillis);
        }
        this.offsets = offsets;
        this.everyMillis = everyMillis;
    }

    /** Whether the source had committed every record when last asked; asks again if it was not and it is time. */
    boolean caughtUp(long now) {
        if (!caughtUp && (askedAt == Long.MIN_VALUE || now - askedAt >= everyMillis)) {
            askedAt = now;
            try {
                caughtUp = offsets.committed() >= offsets.inTopic();
            } catch (Exception unknown) {
                failures++;
            }
        }
        return caughtUp;
    }

    /** Asks that failed so far. */
    int failures() {
        return failures;
    }
}
