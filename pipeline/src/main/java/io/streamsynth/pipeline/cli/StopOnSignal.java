package io.streamsynth.pipeline.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Lets a long run end cleanly on Ctrl-C (SIGINT) or SIGTERM. The JVM then runs its shutdown hooks
 * and halts as soon as they return; this one marks the stop {@link #requested} and holds the halt
 * until the run has {@linkplain #close closed} this (printed its summary, stopped the job, removed
 * its files), or {@code grace} has passed.
 */
final class StopOnSignal implements AutoCloseable {
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Duration grace;
    private final Thread hook;
    private volatile boolean requested;

    StopOnSignal(Duration grace) {
        this.grace = grace;
        this.hook = new Thread(this::holdShutdown, "stop-on-signal");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Whether the JVM is shutting down: the run should stop and clean up now. */
    boolean requested() {
        return requested;
    }

    private void holdShutdown() {
        requested = true;
        try {
            finished.await(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The run is over: a shutdown under way may go on; without one, the hook is removed. */
    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: it returns now that finished is counted down
        }
    }
}
