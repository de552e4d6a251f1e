package io.streamsynth.bench.cli;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamsynth.bench.step.BatchShape;
import io.streamsynth.bench.step.InterleavedTimer;
import io.streamsynth.bench.step.StepGrowth;
import io.streamsynth.model.image.ImageSpec;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.runtime.TorchRuntime;
import io.streamsynth.bench.job.ProcessMemory;
import io.streamsynth.bench.job.StateFootprint;
import io.streamsynth.operators.batch.BatchPolicy;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Item 5 of the benchmarks: how step time, memory and disk grow with batch, embedding, items and classes. */
@Command(name = "growth", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"How cost grows: (batch) training-step time vs P x K batch and (embedding) vs embedding size,"
                + " each variant timed in the same rounds as a ratio to the smallest; (items) heap, RSS, RocksDB disk"
                + " and checkpoint size vs items stored the way the embedder stores them; (classes) the same for the "
                + "batch builder vs buffered classes with full default per-class buffers. The state parts run a real"
                + " Flink job (MiniCluster, RocksDB, incremental checkpoints) per point, in this JVM, smallest first."
                + " Progress on stderr, tables on stdout (or one JSON object per row with --json)."})
public final class BenchGrowthCommand implements Callable<Integer> {
    enum Part { BATCH, EMBEDDING, ITEMS, CLASSES }

    @Spec
    CommandSpec spec;

    @Mixin
    BenchRuntimeOptions runtime;

    @Option(names = "--parts", split = ",", description = "Which parts: batch, embedding, items, classes "
            + "(default: all).")
    List<String> parts = List.of("batch", "embedding", "items", "classes");

    @Option(names = "--batches", split = ",", description = "P x K batches (default: 4x4,8x8,16x8,16x16).")
    List<String> batches = List.of("4x4", "8x8", "16x8", "16x16");

    @Option(names = "--embedding-sizes", split = ",", description = "Embedding sizes at 8x8 (default: "
            + "32,64,128,256,512).")
    List<Integer> embeddingSizes = List.of(32, 64, 128, 256, 512);

    @Option(names = "--loss", description = "Loss of the timed steps (default: ${DEFAULT-VALUE}).")
    String loss = "triplet";

    @Option(names = "--synthesis", description = "Synthesis of the timed steps (default: ${DEFAULT-VALUE}).")
    String synthesis = "none";

    @Option(names = "--rounds", description = "Timed rounds (default: ${DEFAULT-VALUE}).")
    int rounds = 7;

    @Option(names = "--steps", description = "Steps per variant per round (default: ${DEFAULT-VALUE}).")
    int steps = 2;

    @Option(names = "--warmup", description = "Untimed steps per variant first (default: ${DEFAULT-VALUE}).")
    int warmup = 3;

    @Option(names = "--items", split = ",", description = "Item counts to store (default: 10000,100000; add "
            + "1000000 for the large case, several minutes).")
    List<Long> items = List.of(10_000L, 100_000L);

    @Option(names = "--classes", split = ",", description = "Buffered class counts, each filled with "
            + "the default 256 samples per class (default: 10,100,1000).")
    List<Integer> classes = List.of(10, 100, 1000);

    @Option(names = "--work-dir", description = "Where RocksDB and checkpoints go, deleted after each point "
            + "(default: the temp directory).")
    Path workDir = Path.of(System.getProperty("java.io.tmpdir"));

    @Option(names = "--timeout-s", description = "Give up on one state point after this long (default: "
            + "${DEFAULT-VALUE}).")
    long timeoutSeconds = 1800;

    @Option(names = "--photos", description = "Store synthetic RGB product shots (320-639 px a side) as the decoder "
            + "stores uploads with the RGB image defaults (resized to 256 x 256, JPEG quality 90) instead of 28x28 "
            + "grey noise; --photo-quality 0 keeps them raw.")
    boolean photos;

    @Option(names = "--photo-quality", description = "--store-quality of the photos (default: ${DEFAULT-VALUE}).")
    int photoQuality = ImageSpec.DEFAULT_RGB_QUALITY;

    @Option(names = "--json", description = "Print one JSON object per row on stdout instead of the tables.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Set<Part> chosen = parseParts();
        List<BatchShape> shapes = batches.stream().map(BatchShape::parse).toList();
        InterleavedTimer.Plan plan = new InterleavedTimer.Plan(rounds, steps, warmup);
        if (items.stream().anyMatch(n -> n < 1) || classes.stream().anyMatch(c -> c < 2)) {
            throw new IllegalArgumentException("--items must be at least 1 and --classes at least 2");
        }
        if (embeddingSizes.isEmpty() || shapes.isEmpty()) {
            throw new IllegalArgumentException("--batches and --embedding-sizes need at least one value");
        }
        Files.createDirectories(workDir);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long start = System.nanoTime();
        ObjectMapper mapper = new ObjectMapper();
        Architecture base = new Architecture(Architecture.Kind.CNN, 1, 28, 28, Architecture.DEFAULT_EMBEDDING_SIZE, 32);
        if (chosen.contains(Part.BATCH) || chosen.contains(Part.EMBEDDING)) {
            Device device = runtime.start();
            String header = String.format(Locale.ROOT, "training step (%s, %s), 28x28 grey images, %s, PyTorch %s, %d "
                    + "thread(s); %d rounds x %d steps after %d warm-up steps", loss, synthesis, device,
                    TorchRuntime.engine().getVersion(), runtime.threads, rounds, steps, warmup);
            err.println(header);
            if (chosen.contains(Part.BATCH)) {
                List<StepGrowth.Row> rows = StepGrowth.run(StepGrowth.byBatch(base, shapes), loss, synthesis, plan,
                        device, progress(err, "batch", start));
                printSteps(out, mapper, "step time vs batch (embedding 128); " + header, "batch", rows);
            }
            if (chosen.contains(Part.EMBEDDING)) {
                List<StepGrowth.Row> rows = StepGrowth.run(StepGrowth.byEmbeddingSize(base, embeddingSizes,
                        new BatchShape(8, 8)), loss, synthesis, plan, device, progress(err, "embedding", start));
                printSteps(out, mapper, "step time vs embedding size (batch 8x8); " + header, "embedding", rows);
            }
        }
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        if (chosen.contains(Part.ITEMS) || chosen.contains(Part.CLASSES)) {
            Map<String, Object> baseline = new LinkedHashMap<>();
            baseline.put("part", "baseline");
            baseline.put("heap_used_bytes", ProcessMemory.heapUsedAfterGc());
            baseline.put("rss_bytes", ProcessMemory.residentBytes());
            if (json) {
                out.println(mapper.writeValueAsString(baseline));
            } else {
                out.printf(Locale.ROOT, "%nbefore any job: heap %s, RSS %s%n",
                        mib((long) baseline.get("heap_used_bytes")), mib((long) baseline.get("rss_bytes")));
            }
        }
        ImageSpec photoSpec = null;
        String samplesText = "28x28 noise pixels";
        if (photos) {
            ImageSpec rgb = ImageSpec.defaultsFor(3);
            photoSpec = new ImageSpec(3, rgb.resize(), rgb.crop(), rgb.mean(), rgb.std(), rgb.background(),
                    rgb.augment(), photoQuality);
            samplesText = "synthetic RGB product shots stored as " + photoSpec.resize() + "x" + photoSpec.resize()
                    + (photoQuality == 0 ? " raw bytes" : " JPEG quality " + photoQuality);
        }
        if (chosen.contains(Part.ITEMS)) {
            List<StateFootprint.Measurement> rows = new ArrayList<>();
            for (long n : items) {
                err.printf(Locale.ROOT, "  items: storing %d items, %.0f s%n", n, (System.nanoTime() - start) / 1e9);
                err.flush();
                rows.add(StateFootprint.measure(StateFootprint.Workload.ITEMS, n, 10, workDir, timeout, photoSpec));
            }
            printState(out, mapper, "embedder state vs stored items (ValueState<ImageSample> keyed by item, "
                    + samplesText + ")", rows);
        }
        if (chosen.contains(Part.CLASSES)) {
            List<StateFootprint.Measurement> rows = new ArrayList<>();
            for (int c : classes) {
                long n = (long) c * BatchPolicy.DEFAULT_MAX_SAMPLES_PER_CLASS;
                err.printf(Locale.ROOT, "  classes: buffering %d classes (%d samples), %.0f s%n", c, n,
                        (System.nanoTime() - start) / 1e9);
                err.flush();
                rows.add(StateFootprint.measure(StateFootprint.Workload.CLASSES, n, c, workDir, timeout, photoSpec));
            }
            printState(out, mapper, "batch-builder state vs buffered classes (one catalog, 256 samples per class, "
                    + "8x8 batches, " + samplesText + ")", rows);
        }
        out.flush();
        err.printf(Locale.ROOT, "bench growth took %.0f s%n", (System.nanoTime() - start) / 1e9);
        return 0;
    }

    private Set<Part> parseParts() {
        Set<Part> chosen = EnumSet.noneOf(Part.class);
        for (String p : parts) {
            try {
                chosen.add(Part.valueOf(p.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--parts takes batch, embedding, items, classes; got '" + p + "'");
            }
        }
        return chosen;
    }

    private static java.util.function.Consumer<int[]> progress(PrintWriter err, String part, long start) {
        return r -> {
            err.printf(Locale.ROOT, "  %s: round %d/%d, %.0f s%n", part, r[0], r[1], (System.nanoTime() - start) / 1e9);
            err.flush();
        };
    }

    private void printSteps(PrintWriter out, ObjectMapper mapper, String title, String part, List<StepGrowth.Row> rows)
            throws Exception {
        if (json) {
            for (StepGrowth.Row row : rows) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("part", part);
                m.putAll(row.toMap());
                out.println(mapper.writeValueAsString(m));
            }
            return;
        }
        out.println();
        out.println(title);
        out.printf("%-8s %6s %6s %12s %11s %14s %16s%n", "variant", "images", "dim", "wall ms/step", "cpu ms/step",
                "cpu ratio", "images/cpu-s");
        for (StepGrowth.Row row : rows) {
            out.printf(Locale.ROOT, "%-8s %6d %6d %12.2f %11.2f %14.3f %16.0f%n", row.name(), row.batchSize(),
                    row.embeddingSize(), row.wallMillis().median(), row.cpuMillis().median(),
                    row.cpuRatio().median(), row.imagesPerCpuSecond());
        }
    }

    private void printState(PrintWriter out, ObjectMapper mapper, String title, List<StateFootprint.Measurement> rows)
            throws Exception {
        if (json) {
            for (StateFootprint.Measurement row : rows) {
                out.println(mapper.writeValueAsString(row.toMap()));
            }
            return;
        }
        out.println();
        out.println(title);
        out.printf("%10s %8s %8s %12s %12s %14s %16s %14s %16s%n", "records", "classes", "seconds", "heap used",
                "RSS", "RocksDB dir", "checkpoint dir", "RocksDB/record", "checkpoint/record");
        for (StateFootprint.Measurement m : rows) {
            out.printf(Locale.ROOT, "%10d %8d %8.1f %12s %12s %14s %16s %14s %16s%n", m.records(), m.classes(),
                    m.seconds(), mib(m.heapUsedBytes()), mib(m.rssBytes()), mib(m.rocksDbBytes()),
                    mib(m.checkpointBytes()), kib(m.rocksDbBytes() / m.records()),
                    kib(m.checkpointBytes() / m.records()));
        }
    }

    static String kib(long bytes) {
        return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }

    static String mib(long bytes) {
        return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
