package io.streamsynth.operators.embed;

import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;

/**
 * The embedder's processing-time callbacks, at most one of each kind pending: the flush of the
 * waiting batch {@code maxDelayMillis} after the first image waits, and the slices of the running
 * refresh passes, one after another while a pass remains.
 */
final class RefreshSchedule {
    /** A callback's work. */
    interface Task {
        void run() throws Exception;
    }

    /** Whether another slice is to follow. */
    interface More {
        boolean remains();
    }

    private final ProcessingTimeService time;
    private final long maxDelayMillis;
    private final Task flush;
    private final Task slice;
    private final More more;
    private boolean flushScheduled;
    private boolean sliceScheduled;

    RefreshSchedule(ProcessingTimeService time, long maxDelayMillis, Task flush, Task slice, More more) {
        this.time = time;
        this.maxDelayMillis = maxDelayMillis;
        this.flush = flush;
        this.slice = slice;
        this.more = more;
    }

    /** Flushes {@code maxDelayMillis} from now unless a flush is pending already. */
    void flushLater() {
        if (!flushScheduled) {
            flushScheduled = true;
            time.registerTimer(time.getCurrentProcessingTime() + maxDelayMillis, t -> {
                flushScheduled = false;
                flush.run();
            });
        }
    }

    /**
     * Runs the next slice one millisecond ahead rather than now: the callback then always runs as
     * its own mailbox action (and a test harness's clock must move for it), never inside the action
     * that scheduled it. It schedules the next one while {@link More#remains()}.
     */
    void sliceSoon() {
        if (!sliceScheduled) {
            sliceScheduled = true;
            time.registerTimer(time.getCurrentProcessingTime() + 1, t -> {
                sliceScheduled = false;
                slice.run();
                if (more.remains()) {
                    sliceSoon();
                }
            });
        }
    }
}
