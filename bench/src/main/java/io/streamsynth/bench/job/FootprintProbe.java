package io.streamsynth.bench.job;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How a footprint run's job tells the bench that its state is complete: the id of the first
 * completed checkpoint whose barrier followed the last generated record. The MiniCluster runs in
 * this JVM and loads the job's classes from the application class path, so a static map reaches
 * from the task to the bench; the run id keeps concurrent runs apart.
 */
final class FootprintProbe {
    private static final Map<String, AtomicLong> COMPLETE = new ConcurrentHashMap<>();

    private FootprintProbe() {}

    static void open(String run) {
        COMPLETE.put(run, new AtomicLong(-1));
    }

    static void completed(String run, long checkpointId) {
        AtomicLong slot = COMPLETE.get(run);
        if (slot != null) {
            slot.compareAndSet(-1, checkpointId);
        }
    }

    /** The checkpoint that holds every record, or -1 while there is none yet. */
    static long completedCheckpoint(String run) {
        AtomicLong slot = COMPLETE.get(run);
        return slot == null ? -1 : slot.get();
    }

    static void close(String run) {
        COMPLETE.remove(run);
    }
}
