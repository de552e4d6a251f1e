package io.streamsynth.operators.train;

import io.streamsynth.operators.types.TrainerInput;
import java.util.Arrays;

/**
 * The ingest times of the samples first trained since the last version, for the version's freshness
 * (ingest to publication, see {@link FreshnessHistogram}), and the earliest of them. Only the earliest
 * is part of a snapshot: after a restore, samples trained before the failure but not yet published go
 * uncounted in the histogram.
 */
final class UnpublishedFreshness {
    private long oldest;
    private long[] times = new long[64];
    private int count;

    /** Notes a batch's fresh samples (those trained for the first time). */
    void trained(TrainerInput batch) {
        if (batch.freshCount > 0 && batch.oldestFreshIngestTime > 0) {
            oldest = oldest == 0 ? batch.oldestFreshIngestTime : Math.min(oldest, batch.oldestFreshIngestTime);
        }
        if (batch.freshIngestTimes != null) {
            remember(batch.freshIngestTimes);
        }
    }

    private void remember(long[] more) {
        if (count + more.length > times.length) {
            times = Arrays.copyOf(times, Math.max(2 * times.length, count + more.length));
        }
        System.arraycopy(more, 0, times, count, more.length);
        count += more.length;
    }

    /** From ingest to {@code now} for every sample noted since the last {@link #reset}. */
    FreshnessHistogram at(long now) {
        FreshnessHistogram h = new FreshnessHistogram();
        for (int i = 0; i < count; i++) {
            if (times[i] > 0) {
                h.record(now - times[i]);
            }
        }
        return h;
    }

    /** Earliest ingest time noted since the last {@link #reset}, 0 when none. */
    long oldest() {
        return oldest;
    }

    /** A version was published: its samples are counted. */
    void reset() {
        oldest = 0;
        count = 0;
    }

    /** The earliest ingest time as a snapshot kept it. */
    void restoreOldest(long oldest) {
        this.oldest = oldest;
    }
}
