package io.streamsynth.bench.cli;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamsynth.bench.step.BatchShape;
import io.streamsynth.bench.step.InterleavedTimer;
import io.streamsynth.bench.step.TorchComparison;
import io.streamsynth.bench.step.TorchLoop;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.runtime.TorchRuntime;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Our ResNet-18 (or ResNet-50) training step against a plain PyTorch loop of the same network and batch (issue 11). */
@Command(name = "pytorch", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Times our training step of ResNet-18 or ResNet-50 (global average pooling, linear to the embedding "
                + "size, L2 normalisation; batch-hard triplet loss with hard negative pair mining, Adam) against a "
                + "plain PyTorch loop of torchvision's resnet18 (or resnet50, --architecture) with the same head, loss, synthesis, optimizer and "
                + "thread count, run by --python as a second process. Rounds interleave (k of our steps, then k of "
                + "theirs, the order swapping every round); each ratio ours/theirs is the median of per-round "
                + "ratios, with quartiles. Images are random RGB noise. Exit code 2 when --python cannot import "
                + "torch and torchvision. Progress on stderr, the table on stdout (one JSON object per row with "
                + "--json)."})
public final class BenchPytorchCommand implements Callable<Integer> {
    static final List<String> SYNTHESES = List.of("none", "ee", "symm");

    @Spec
    CommandSpec spec;

    @Mixin
    BenchRuntimeOptions runtime;

    @Option(names = "--architecture", description = "resnet18 or resnet50, on both sides (default: ${DEFAULT-VALUE}).")
    String architecture = "resnet18";

    @Option(names = "--sizes", split = ",", description = "Image sides in pixels (default: 112,224).")
    List<Integer> sizes = List.of(112, 224);

    @Option(names = "--syntheses", split = ",", description = "Synthesis methods, of none, ee, symm (default: all).")
    List<String> syntheses = SYNTHESES;

    @Option(names = "--batch", description = "P x K batch (default: ${DEFAULT-VALUE}).")
    String batch = "4x8";

    @Option(names = "--embedding-size", description = "Embedding dimension (default: ${DEFAULT-VALUE}).")
    int embeddingSize = 128;

    @Option(names = "--rounds", description = "Timed rounds per size and synthesis (default: ${DEFAULT-VALUE}).")
    int rounds = 5;

    @Option(names = "--steps", description = "Steps per side per round (default: ${DEFAULT-VALUE}).")
    int steps = 1;

    @Option(names = "--warmup", description = "Untimed steps per side first (default: ${DEFAULT-VALUE}).")
    int warmup = 1;

    @Option(names = "--python", description = "Python with torch and torchvision (default: ${DEFAULT-VALUE}, "
            + "Debian's python3-torch and python3-torchvision).")
    String python = "/usr/bin/python3";

    @Option(names = "--json", description = "Print one JSON object per row on stdout instead of the table.")
    boolean json;

    /** The checks that need no engine and no Python, so bad flags fail at once with exit code 2. */
    Settings validate() {
        Architecture.Kind kind = switch (architecture.trim().toLowerCase(Locale.ROOT)) {
            case "resnet18" -> Architecture.Kind.RESNET18;
            case "resnet50" -> Architecture.Kind.RESNET50;
            default -> throw new IllegalArgumentException("--architecture must be resnet18 or resnet50, got '"
                    + architecture + "'");
        };
        BatchShape shape = BatchShape.parse(batch);
        InterleavedTimer.Plan plan = new InterleavedTimer.Plan(rounds, steps, warmup);
        for (int s : sizes) {
            if (s < 32 || s > 1024) {
                throw new IllegalArgumentException("--sizes must be within 32..1024 pixels (a ResNet halves the "
                        + "image five times), got " + s);
            }
        }
        List<String> methods = syntheses.stream().map(m -> m.trim().toLowerCase(Locale.ROOT)).toList();
        for (String m : methods) {
            if (!SYNTHESES.contains(m)) {
                throw new IllegalArgumentException("--syntheses takes none, ee and symm, got '" + m + "'");
            }
        }
        if (embeddingSize < 2 || embeddingSize > 4096) {
            throw new IllegalArgumentException("--embedding-size must be within 2..4096, got " + embeddingSize);
        }
        return new Settings(kind, shape, plan, methods);
    }

    record Settings(Architecture.Kind kind, BatchShape batch, InterleavedTimer.Plan plan, List<String> syntheses) {}

    @Override
    public Integer call() throws Exception {
        Settings s = validate();
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        Optional<String> missing = TorchLoop.unavailable(python);
        if (missing.isPresent()) {
            err.println("bench pytorch skipped: " + missing.get() + ". It needs a Python with torch and torchvision "
                    + "(on Debian: apt-get install python3-torch python3-torchvision), or --python PATH.");
            err.flush();
            return 2;
        }
        Device device = runtime.start();
        String header = String.format(Locale.ROOT, "%s training step, batch %s, embedding %d, triplet loss, "
                + "Adam; ours: PyTorch %s through DJL on %s; theirs: torch %s (%s); %d thread(s); %d rounds x %d "
                + "steps per side after %d warm-up steps", s.kind() == Architecture.Kind.RESNET50 ? "ResNet-50"
                : "ResNet-18", s.batch(), embeddingSize,
                TorchRuntime.engine().getVersion(), device, TorchLoop.torchVersion(python), python, runtime.threads,
                rounds, steps, warmup);
        err.println(header);
        err.flush();
        long start = System.nanoTime();
        List<TorchComparison.Row> rows = new ArrayList<>();
        int total = sizes.size() * s.syntheses().size();
        int done = 0;
        for (int size : sizes) {
            for (String synthesis : s.syntheses()) {
                int index = ++done;
                rows.add(TorchComparison.run(python, s.kind(), size, synthesis, s.batch(), embeddingSize, runtime.threads,
                        s.plan(), device, r -> {
                            err.printf(Locale.ROOT, "  [%d/%d] %dx%d %s: round %d/%d, %.0f s%n", index, total, size,
                                    size, synthesis, r[0], r[1], (System.nanoTime() - start) / 1e9);
                            err.flush();
                        }));
            }
        }
        print(out, header, rows);
        err.printf(Locale.ROOT, "bench pytorch took %.0f s%n", (System.nanoTime() - start) / 1e9);
        err.flush();
        return 0;
    }

    private void print(PrintWriter out, String header, List<TorchComparison.Row> rows) throws Exception {
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            for (TorchComparison.Row row : rows) {
                out.println(mapper.writeValueAsString(row.toMap()));
            }
        } else {
            out.println(header);
            out.printf("%-4s %-5s %9s %9s %9s %13s %9s %9s %9s %13s   %s%n", "size", "synth", "ours ms", "torch ms",
                    "wall x", "wall x q1..q3", "ours cpu", "torch cpu", "cpu x", "cpu x q1..q3",
                    "torch cpu fwd/bwd/opt");
            for (TorchComparison.Row r : rows) {
                var t = r.timing();
                out.printf(Locale.ROOT, "%-4d %-5s %9.1f %9.1f %9.3f %6.3f..%.3f %9.1f %9.1f %9.3f %6.3f..%.3f   "
                        + "%.0f/%.0f/%.0f%n", r.size(), r.synthesis(), t.oursWall().median(), t.theirsWall().median(),
                        t.wallRatio().median(), t.wallRatio().q1(), t.wallRatio().q3(), t.oursCpu().median(),
                        t.theirsCpu().median(), t.cpuRatio().median(), t.cpuRatio().q1(), t.cpuRatio().q3(),
                        r.theirForwardCpuMillis(), r.theirBackwardCpuMillis(), r.theirOptimizerCpuMillis());
            }
        }
        out.flush();
    }
}
