package io.streamsynth.bench.step;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * CPU time of the calling thread, in nanoseconds. With one intra-op thread PyTorch runs every
 * operation on the thread that calls it, so this is the whole work of a training step; the
 * process's CPU time would include other threads too, but the JVM reads it in 10 ms ticks only.
 */
final class ThreadCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private ThreadCpu() {}

    static long nanos() {
        return THREADS.getCurrentThreadCpuTime();
    }
}
