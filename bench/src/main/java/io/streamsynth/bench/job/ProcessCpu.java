package io.streamsynth.bench.job;

import java.lang.management.ManagementFactory;

/**
 * CPU time of this whole process (every thread, PyTorch's own included). On a machine shared with
 * other work, wall time depends on what else runs; CPU seconds per item do much less.
 */
public final class ProcessCpu {
    private ProcessCpu() {}

    public static long nanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
