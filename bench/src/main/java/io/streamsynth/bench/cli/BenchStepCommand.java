package io.streamsynth.bench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamsynth.bench.step.BatchShape;
import io.streamsynth.bench.step.InterleavedTimer;
import io.streamsynth.bench.step.StepBenchmark;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.runtime.TorchRuntime;
import ai.djl.Device;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Item 1 of the benchmarks: the training step of each loss with none, ee and symm, as ratios to none. */
@Command(name = "step", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Times the training step of each loss with none, ee and symm on generated 28x28 images at "
                + "each batch. The three methods take turns round by round (the order rotating), so each ratio to "
                + "none comes from the same rounds; figures are medians over rounds, with the ratios' quartiles. "
                + "Ratios are of the timing thread's CPU time, which waiting for a busy machine's cores does not "
                + "inflate (with --threads 1 PyTorch computes on that thread); wall-clock ratios are shown too. "
                + "Progress on stderr, the table on stdout (or one JSON object per row with --json). "
                + "With the defaults each method runs 21 steps per loss and batch, 630 steps in all; run times "
                + "are in docs/BENCHMARKS.md."})
public final class BenchStepCommand implements Callable<Integer> {
    static final List<String> SYNTHESES = List.of("none", "ee", "symm");

    @Spec
    CommandSpec spec;

    @Mixin
    BenchRuntimeOptions runtime;

    @Option(names = "--losses", split = ",", description = "Losses to time (default: all five).")
    List<String> losses = List.of("contrastive", "triplet", "lifted", "npair", "ms");

    @Option(names = "--batches", split = ",", description = "P x K batches (default: 8x8,16x8).")
    List<String> batches = List.of("8x8", "16x8");

    @Option(names = "--image-size", description = "Side of the square grey images (default: ${DEFAULT-VALUE}).")
    int imageSize = 28;

    @Option(names = "--embedding-size", description = "Embedding dimension (default: ${DEFAULT-VALUE}).")
    int embeddingSize = Architecture.DEFAULT_EMBEDDING_SIZE;

    @Option(names = "--rounds", description = "Timed rounds per loss and batch (default: ${DEFAULT-VALUE}).")
    int rounds = 9;

    @Option(names = "--steps", description = "Steps per method per round (default: ${DEFAULT-VALUE}).")
    int steps = 2;

    @Option(names = "--warmup", description = "Untimed steps per method first (default: ${DEFAULT-VALUE}).")
    int warmup = 3;

    @Option(names = "--json", description = "Print one JSON object per row on stdout instead of the table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        List<BatchShape> shapes = batches.stream().map(BatchShape::parse).toList();
        InterleavedTimer.Plan plan = new InterleavedTimer.Plan(rounds, steps, warmup);
        Architecture architecture = new Architecture(Architecture.Kind.CNN, 1, imageSize, imageSize, embeddingSize, 32);
        Device device = runtime.start();
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        String header = String.format(Locale.ROOT, "training step, %dx%d grey images, embedding %d, %s, PyTorch %s, "
                + "%d thread(s); %d rounds x %d steps per method after %d warm-up steps", imageSize, imageSize,
                embeddingSize, device, TorchRuntime.engine().getVersion(), runtime.threads, rounds, steps, warmup);
        err.println(header);
        long start = System.nanoTime();
        List<StepBenchmark.Row> rows = new ArrayList<>();
        int total = shapes.size() * losses.size();
        int done = 0;
        for (BatchShape shape : shapes) {
            for (String loss : losses) {
                int index = ++done;
                StepBenchmark.Settings settings = new StepBenchmark.Settings(architecture, shape, plan, device);
                rows.addAll(StepBenchmark.run(settings, loss, SYNTHESES, r -> {
                    err.printf(Locale.ROOT, "  [%d/%d] %s %s: round %d/%d, %.0f s%n", index, total, shape, loss, r[0],
                            r[1], (System.nanoTime() - start) / 1e9);
                    err.flush();
                }));
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            for (StepBenchmark.Row row : rows) {
                out.println(mapper.writeValueAsString(row.toMap()));
            }
        } else {
            out.println(header);
            out.printf("%-6s %-12s %-6s %12s %11s %15s %17s %11s%n", "batch", "loss", "synth", "wall ms/step",
                    "cpu ms/step", "cpu ratio/none", "cpu ratio q1..q3", "wall ratio");
            for (StepBenchmark.Row row : rows) {
                out.printf(Locale.ROOT, "%-6s %-12s %-6s %12.2f %11.2f %15.3f %11.3f..%.3f %11.3f%n", row.batch(),
                        row.loss(), row.synthesis(), row.wallMillis().median(), row.cpuMillis().median(),
                        row.cpuRatio().median(), row.cpuRatio().q1(), row.cpuRatio().q3(), row.wallRatio().median());
            }
        }
        out.flush();
        err.printf(Locale.ROOT, "bench step took %.0f s%n", seconds);
        return 0;
    }
}
