package io.streamsynth.bench;

import io.streamsynth.bench.job.ProcessCpu;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler that adds the benchmark JVM's CPU time per operation ({@code ·cpu.process}, ms/op) to
 * each result: JMH itself times the wall clock, which on a machine shared with other work mostly
 * measures the wait for a core. Process time, not the benchmark thread's, because the metrics fork
 * work into the common fork-join pool. It includes the JIT and GC threads too, so it is an upper bound
 * that approaches the work done once warm-up is over. The JVM reads it in 10 ms ticks: keep iterations
 * at a second or more. Use as {@code -prof io.streamsynth.bench.ProcessCpuProfiler}.
 */
public final class ProcessCpuProfiler implements InternalProfiler {
    private long startNanos;

    @Override
    public String getDescription() {
        return "CPU time of the benchmark JVM per operation";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmark, IterationParams iteration) {
        startNanos = ProcessCpu.nanos();
    }

    @Override
    public List<? extends Result> afterIteration(BenchmarkParams benchmark, IterationParams iteration,
            IterationResult result) {
        long cpu = ProcessCpu.nanos() - startNanos;
        long ops = Math.max(1, result.getMetadata().getAllOps());
        return List.of(new ScalarResult("cpu.process", cpu / 1e6 / ops, "ms/op", AggregationPolicy.AVG));
    }
}
