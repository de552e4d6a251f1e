package io.streamsynth.bench.step;

import ai.djl.Device;
import io.streamsynth.model.net.Architecture;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Our training step of ResNet-18 (or ResNet-50) against a plain PyTorch loop of the same network, batch, loss,
 * synthesis and optimizer ({@link TorchLoop}), in interleaved rounds: each round runs k of our steps
 * then k of theirs, the order swapping every round so neither side always runs first after a pause.
 * Our times are this thread's (wall, and CPU from {@code ThreadMXBean}); theirs are measured by the
 * Python process around its own loop, so the pipe between the two costs neither side.
 */
public final class TorchComparison {
    /** Adam's step size on both sides; the step's cost does not depend on it. */
    public static final float LEARNING_RATE = 1e-4f;

    /**
     * One (image size, synthesis) row: both sides' figures and the per-step CPU milliseconds of the
     * PyTorch loop's phases (medians over rounds), for a rough account of where its time goes.
     */
    public record Row(String architecture, int size, String synthesis, String batch, SideBySide timing,
            double theirForwardCpuMillis, double theirBackwardCpuMillis, double theirOptimizerCpuMillis) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("architecture", architecture);
            m.put("size", size);
            m.put("synthesis", synthesis);
            m.put("batch", batch);
            m.put("loss", "triplet");
            m.putAll(timing.toMap());
            m.put("pytorch_forward_cpu_ms", StepBenchmark.round(theirForwardCpuMillis));
            m.put("pytorch_backward_cpu_ms", StepBenchmark.round(theirBackwardCpuMillis));
            m.put("pytorch_optimizer_cpu_ms", StepBenchmark.round(theirOptimizerCpuMillis));
            return m;
        }
    }

    private TorchComparison() {}

    /**
     * @param kind     RESNET18 or RESNET50, on both sides
     * @param progress called after the warm-up and after each round with (rounds done, rounds)
     */
    public static Row run(String python, Architecture.Kind kind, int size, String synthesis, BatchShape batch,
            int embeddingSize, int threads, InterleavedTimer.Plan plan, Device device, Consumer<int[]> progress) {
        if (kind != Architecture.Kind.RESNET18 && kind != Architecture.Kind.RESNET50) {
            throw new IllegalArgumentException("the PyTorch comparison runs resnet18 or resnet50, not " + kind);
        }
        String name = kind.name().toLowerCase(java.util.Locale.ROOT);
        Architecture architecture = new Architecture(kind, 3, size, size, embeddingSize, 32);
        TorchLoop.Config config = new TorchLoop.Config(name, size, batch, synthesis, embeddingSize, threads,
                LEARNING_RATE);
        try (StepCase ours = new StepCase(architecture, batch, "triplet", synthesis, device);
                TorchLoop theirs = TorchLoop.start(python, config)) {
            for (int i = 0; i < plan.warmupSteps(); i++) {
                ours.run();
            }
            if (plan.warmupSteps() > 0) {
                theirs.steps(plan.warmupSteps());
            }
            progress.accept(new int[] {0, plan.rounds()});
            int n = plan.rounds();
            int k = plan.stepsPerRound();
            double[] oursWall = new double[n];
            double[] oursCpu = new double[n];
            double[] theirsWall = new double[n];
            double[] theirsCpu = new double[n];
            double[] forward = new double[n];
            double[] backward = new double[n];
            double[] update = new double[n];
            for (int r = 0; r < n; r++) {
                TorchLoop.Measurement m = null;
                for (int turn = 0; turn < 2; turn++) {
                    if ((turn + r) % 2 == 0) {
                        long cpu = ThreadCpu.nanos();
                        long start = System.nanoTime();
                        for (int i = 0; i < k; i++) {
                            ours.run();
                        }
                        oursWall[r] = (System.nanoTime() - start) / 1e6 / k;
                        oursCpu[r] = (ThreadCpu.nanos() - cpu) / 1e6 / k;
                    } else {
                        m = theirs.steps(k);
                    }
                }
                theirsWall[r] = m.wallMillis();
                theirsCpu[r] = m.cpuMillis();
                forward[r] = m.forwardCpuMillis();
                backward[r] = m.backwardCpuMillis();
                update[r] = m.optimizerCpuMillis();
                progress.accept(new int[] {r + 1, n});
            }
            SideBySide timing = SideBySide.of(oursWall, theirsWall, oursCpu, theirsCpu);
            return new Row(name, size, synthesis, batch.toString(), timing, Quartiles.of(forward).median(),
                    Quartiles.of(backward).median(), Quartiles.of(update).median());
        }
    }
}
