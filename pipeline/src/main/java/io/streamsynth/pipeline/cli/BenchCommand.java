package io.streamsynth.pipeline.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamsynth.model.bench.StepBenchmark;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.runtime.DeviceSpec;
import io.streamsynth.model.runtime.TorchRuntime;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Benchmarks; for now the training step of each loss with each synthesis method, as ratios to none. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Times the training step of each loss with none, ee and symm on generated images, the "
                + "methods taking turns round by round; prints a table on stderr and one JSON line per row on "
                + "stdout with the median ms per step and the median per-round ratio to none."})
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--losses", split = ",", description = "Losses to time (default: all five).")
    List<String> losses = List.of("contrastive", "triplet", "lifted", "npair", "ms");

    @Option(names = "--classes-per-batch", description = "P (default: ${DEFAULT-VALUE}).")
    int classes = 8;

    @Option(names = "--samples-per-class", description = "K, even (default: ${DEFAULT-VALUE}).")
    int samplesPerClass = 8;

    @Option(names = "--image-size", description = "Side of the square grey images (default: ${DEFAULT-VALUE}).")
    int imageSize = 28;

    @Option(names = "--embedding-size", description = "Embedding dimension (default: ${DEFAULT-VALUE}).")
    int embeddingSize = 128;

    @Option(names = "--rounds", description = "Timed rounds (default: ${DEFAULT-VALUE}).")
    int rounds = 5;

    @Option(names = "--steps", description = "Steps per method per round (default: ${DEFAULT-VALUE}).")
    int steps = 10;

    @Option(names = "--warmup", description = "Untimed steps per method first (default: ${DEFAULT-VALUE}).")
    int warmup = 10;

    @Option(names = "--threads", description = "PyTorch threads, 0 = one per core (default: ${DEFAULT-VALUE}).")
    int threads = 0;

    @Option(names = "--device", description = "auto, cpu or gpu:N (default: ${DEFAULT-VALUE}).")
    String device = "auto";

    @Override
    public Integer call() throws Exception {
        TorchRuntime.engine(threads);
        StepBenchmark.Settings settings = new StepBenchmark.Settings(
                new Architecture(Architecture.Kind.CNN, 1, imageSize, imageSize, embeddingSize, 32), classes,
                samplesPerClass, rounds, steps, warmup, DeviceSpec.parse(device).resolve());
        System.err.printf(Locale.ROOT, "training step, batch %dx%d of %dx%d images, %s, PyTorch %s%n", classes,
                samplesPerClass, imageSize, imageSize, settings.device(), TorchRuntime.engine().getVersion());
        System.err.printf("%-12s %-6s %12s %14s%n", "loss", "synth", "ms/step", "ratio to none");
        ObjectMapper json = new ObjectMapper();
        for (String loss : losses) {
            for (StepBenchmark.Row row : StepBenchmark.run(settings, loss, List.of("none", "ee", "symm"),
                    line -> { })) {
                System.err.printf(Locale.ROOT, "%-12s %-6s %12.2f %14.3f%n", row.loss(), row.synthesis(),
                        row.medianMillis(), row.ratioToNone());
                var map = StepBenchmark.toMap(row);
                map.put("batch", classes + "x" + samplesPerClass);
                System.out.println(json.writeValueAsString(map));
            }
        }
        return 0;
    }
}
