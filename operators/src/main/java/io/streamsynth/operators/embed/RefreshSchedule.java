package io.streamsynth.operators.embed;

import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;

/**
 * The embedder's processing-time callbacks, at most one of each kind pending: the flush of the
 * waiting batch {@code maxDelayMillis} after the first image waits, and the slices of the running
 * refresh passes, one after another while a pass remains.
 *
 * <p><b>New items first.</b> Records are read only between callbacks, so slices that follow one another
 * a millisecond apart would leave the input one millisecond per slice: on a catalog of tens of thousands
 * of items, where a pass takes minutes, new items then queue in the network buffers, the queue holds the
 * shared source back and the trainer runs out of batches (issue 14, part 3: the job fell from 240 to 7
 * events/s at 70,000 items). So a slice that falls due while the input is busy (a record was processed in
 * the last millisecond: records are queued) waits for it, a millisecond at a time, but for at most
 * {@value #MAX_YIELD_PER_SLICE} times the last slice's duration: under a saturating intake the pass keeps a
 * quarter of the subtask's time and still ends, and at any lower intake it takes what the new items leave.
 * Times are the processing-time service's milliseconds.
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

    /** A slice waits for a busy input at most this many times the last slice's duration. */
    static final int MAX_YIELD_PER_SLICE = 3;

    private final ProcessingTimeService time;
    private final long maxDelayMillis;
    private final Task flush;
    private final Task slice;
    private final More more;
    private boolean flushScheduled;
    private boolean sliceScheduled;
    private long lastInputAt = Long.MIN_VALUE;
    private long lastSliceEndedAt;
    private long lastSliceMillis;
    private long yieldedMillis;
    private long sliceDueAt;

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

    /** A record (a new image or a delete) was processed now: see "New items first" above. */
    void inputSeen() {
        lastInputAt = time.getCurrentProcessingTime();
    }

    /** Milliseconds slices have run past their due time so far, in all: waiting for the input. */
    long yieldedMillis() {
        return yieldedMillis;
    }

    /**
     * Runs the next slice one millisecond ahead rather than now: the callback then always runs as
     * its own mailbox action (and a test harness's clock must move for it), never inside the action
     * that scheduled it. It schedules the next one while {@link More#remains()}. A slice due while the
     * input is busy waits (see "New items first" above).
     */
    void sliceSoon() {
        if (!sliceScheduled) {
            sliceScheduled = true;
            sliceDueAt = time.getCurrentProcessingTime() + 1;
            time.registerTimer(sliceDueAt, this::sliceDue);
        }
    }

    private void sliceDue(long timerAt) throws Exception {
        long now = time.getCurrentProcessingTime();
        boolean inputBusy = lastInputAt >= now - 1;
        long waited = now - lastSliceEndedAt;
        // a wall clock set back (the service's time is the system's) must not hold the pass up until it catches up
        if (inputBusy && waited >= 0 && waited < MAX_YIELD_PER_SLICE * lastSliceMillis) {
            time.registerTimer(now + 1, this::sliceDue);
            return;
        }
        sliceScheduled = false;
        yieldedMillis += Math.max(0, now - sliceDueAt);
        slice.run();
        lastSliceEndedAt = time.getCurrentProcessingTime();
        lastSliceMillis = lastSliceEndedAt - now;
        if (more.remains()) {
            sliceSoon();
        }
    }
}
