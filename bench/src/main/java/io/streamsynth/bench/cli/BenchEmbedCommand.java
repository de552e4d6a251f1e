package io.streamsynth.bench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamsynth.model.checkpoint.CheckpointCodec;
import io.streamsynth.model.data.FashionMnist;
import io.streamsynth.model.data.ImageSet;
import io.streamsynth.model.data.PixelValues;
import io.streamsynth.model.runtime.DeviceSpec;
import io.streamsynth.model.runtime.TorchRuntime;
import io.streamsynth.model.train.EmbeddingModel;
import io.streamsynth.model.train.ModelCheckpoints;
import io.streamsynth.operators.embed.EmbedderSettings;
import io.streamsynth.operators.train.CatalogTrainer;
import io.streamsynth.operators.train.TrainerSettings;
import io.streamsynth.operators.types.ModelRelease;
import io.streamsynth.bench.job.ProcessCpu;
import io.streamsynth.bench.job.RefreshBenchmark;
import io.streamsynth.pipeline.job.JobConfig;
import io.streamsynth.pipeline.job.JobConfigBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Embedding refresh against bare batched inference of the same model, in one process and one run. */
@Command(name = "embed", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Embeds the Fashion-MNIST catalog (train + test, 70,000 images) with the job's default "
                + "model in rounds of (a) bare batched inference in this thread and (b) the embedder operator "
                + "re-embedding the same items, stored in RocksDB, after a new model version, on a one-slot "
                + "MiniCluster in this process. Prints wall and process CPU time of each on stderr, the "
                + "medians' ratio b/a, and one JSON line on stdout."})
public final class BenchEmbedCommand implements Callable<Integer> {
    @Option(names = "--data", description = "Fashion-MNIST directory (default: ${DEFAULT-VALUE}).")
    Path data = FashionMnist.DEFAULT_DIR;

    @Option(names = "--items", description = "Use the first N images, 0 = all (default: ${DEFAULT-VALUE}).")
    int items = 0;

    @Option(names = "--batch-size", description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize = JobConfigBuilder.DEFAULT_EMBED_BATCH_SIZE;

    @Option(names = "--batches-per-slice", description = "Batches per slice of the refresh pass "
            + "(default: ${DEFAULT-VALUE}).")
    int batchesPerSlice = EmbedderSettings.DEFAULT_BATCHES_PER_SLICE;

    @Option(names = "--rounds", description = "Rounds of (a) then (b), each (b) at a newer version "
            + "(default: ${DEFAULT-VALUE}).")
    int rounds = 3;

    @Option(names = "--checkpoint-interval-ms", description = "Checkpoint interval of (b), the job's by default "
            + "(default: ${DEFAULT-VALUE}).")
    long checkpointIntervalMillis = Math.round(JobConfigBuilder.DEFAULT_CHECKPOINT_INTERVAL_SECONDS * 1000);

    // One thread, as the quickstart runs each operator and as the other benches time: with one intra-op
    // thread per core, PyTorch's two threads wait on each other whenever another thread of the job
    // takes a core, which the bare side in an otherwise idle thread never meets (docs/BENCHMARKS.md).
    @Option(names = "--threads", description = "PyTorch intra-op threads on both sides, 0 = one per core "
            + "(default: ${DEFAULT-VALUE}).")
    int threads = 1;

    @Option(names = "--device", description = "auto, cpu or gpu:N (default: ${DEFAULT-VALUE}).")
    String device = "auto";

    @Option(names = "--timeout-s", description = "Give up on (b) after this long (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds = 1800;

    @Override
    public Integer call() throws Exception {
        if (items < 0 || rounds < 1 || checkpointIntervalMillis < 10 || timeoutSeconds < 1) {
            throw new IllegalArgumentException(
                    "--items must be >= 0, --rounds >= 1, --checkpoint-interval-ms >= 10 and --timeout-s >= 1");
        }
        // the job's defaults but for the device
        TrainerSettings trainer = JobConfig.builder().device(DeviceSpec.parse(device)).trainer();
        EmbedderSettings embedder = new EmbedderSettings(trainer.device(), batchSize,
                Duration.ofMillis(JobConfigBuilder.DEFAULT_EMBED_MAX_DELAY_MS), batchesPerSlice);
        TorchRuntime.engine(threads);

        ImageSet train = FashionMnist.load(data, FashionMnist.Split.TRAIN);
        ImageSet test = FashionMnist.load(data, FashionMnist.Split.TEST);
        int per = train.imageLength();
        int n = items == 0 ? train.size() + test.size() : Math.min(items, train.size() + test.size());
        float[] pixels = new float[n * per];
        int[] labels = new int[n];
        int fromTrain = Math.min(n, train.size());
        System.arraycopy(train.pixels(), 0, pixels, 0, fromTrain * per);
        System.arraycopy(test.pixels(), 0, pixels, fromTrain * per, (n - fromTrain) * per);
        for (int i = 0; i < n; i++) {
            labels[i] = i < fromTrain ? train.label(i) : test.label(i - fromTrain);
        }
        byte[] bytes = PixelValues.toBytes(pixels, 0, pixels.length);

        List<ModelRelease> releases = new ArrayList<>();
        try (CatalogTrainer publisher = CatalogTrainer.create("bench", trainer, 0)) {
            for (int v = 1; v <= rounds + 1; v++) {
                releases.add(publisher.publish(v));
            }
        }

        List<Timing> bare = new ArrayList<>();
        List<Timing> refreshes = new ArrayList<>();
        int checkpointsDuringRefresh = 0;
        int duplicates;
        Path checkpoints = Files.createTempDirectory("bench-embed-checkpoints");
        try (RefreshBenchmark refresher = RefreshBenchmark.start(train.height(), bytes, labels, releases.get(0), embedder,
                Duration.ofMillis(checkpointIntervalMillis), checkpoints, Duration.ofSeconds(timeoutSeconds))) {
            // the two take turns, so that a change in the machine's load hits both alike
            for (int r = 1; r <= rounds; r++) {
                bare.add(bare(releases.get(r), pixels, trainer));
                RefreshBenchmark.Result result = refresher.refresh(releases.get(r));
                refreshes.add(new Timing(result.seconds(), result.cpuSeconds()));
                checkpointsDuringRefresh += result.checkpointsDuringRefresh();
            }
            duplicates = refresher.duplicates();
        } finally {
            deleteTree(checkpoints);
        }

        System.err.printf(Locale.ROOT, "%d items of %dx%d, %s, batch %d, %d batches per slice, PyTorch %s%n", n,
                train.height(), train.width(), trainer.architecture(), batchSize, batchesPerSlice,
                TorchRuntime.engine().getVersion());
        System.err.printf(Locale.ROOT, "%-34s %9s %9s %11s %11s%n", "", "wall s", "items/s", "cpu s", "items/cpu-s");
        for (int r = 0; r < rounds; r++) {
            row("round " + (r + 1) + " (a) bare inference", bare.get(r), n);
            row("round " + (r + 1) + " (b) embedder refresh", refreshes.get(r), n);
        }
        Timing a = Timing.median(bare);
        Timing b = Timing.median(refreshes);
        row("median (a) bare inference", a, n);
        row("median (b) embedder refresh", b, n);
        double wallRatio = a.wall() / b.wall();
        double cpuRatio = a.cpu() / b.cpu();
        System.err.printf(Locale.ROOT, "ratio b/a of items/s (medians): wall %.3f, cpu %.3f; checkpoints completed "
                + "during refreshes: %d; duplicate (item, version) pairs: %d%n", wallRatio, cpuRatio,
                checkpointsDuringRefresh, duplicates);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("items", n);
        row.put("batch", batchSize);
        row.put("batches_per_slice", batchesPerSlice);
        row.put("rounds", rounds);
        row.put("bare_wall_s", bare.stream().map(Timing::wall).toList());
        row.put("bare_cpu_s", bare.stream().map(Timing::cpu).toList());
        row.put("refresh_wall_s", refreshes.stream().map(Timing::wall).toList());
        row.put("refresh_cpu_s", refreshes.stream().map(Timing::cpu).toList());
        row.put("bare_items_per_s", n / a.wall());
        row.put("refresh_items_per_s", n / b.wall());
        row.put("ratio_wall", wallRatio);
        row.put("ratio_cpu", cpuRatio);
        row.put("checkpoints_during_refreshes", checkpointsDuringRefresh);
        row.put("duplicates", duplicates);
        System.out.println(new ObjectMapper().writeValueAsString(row));
        return duplicates == 0 ? 0 : 1;
    }

    /** Seconds of wall time and of the whole process's CPU time. */
    private record Timing(double wall, double cpu) {
        static Timing median(List<Timing> all) {
            return new Timing(median(all.stream().mapToDouble(Timing::wall).toArray()),
                    median(all.stream().mapToDouble(Timing::cpu).toArray()));
        }

        private static double median(double[] values) {
            double[] sorted = values.clone();
            java.util.Arrays.sort(sorted);
            int m = sorted.length / 2;
            return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
        }
    }

    private static void row(String name, Timing t, int n) {
        System.err.printf(Locale.ROOT, "%-34s %9.2f %9.0f %11.2f %11.0f%n", name, t.wall(), n / t.wall(), t.cpu(),
                n / t.cpu());
    }

    /** Bare batched inference over all images, with a model loaded as the embedder loads it. */
    private Timing bare(ModelRelease release, float[] pixels, TrainerSettings trainer) {
        try (EmbeddingModel model = ModelCheckpoints.loadModel(CheckpointCodec.decode(release.checkpoint),
                trainer.device().resolve())) {
            int per = trainer.architecture().pixelsPerImage();
            model.embed(java.util.Arrays.copyOf(pixels, Math.min(pixels.length, 4 * batchSize * per)), batchSize);
            long cpu = ProcessCpu.nanos();
            long start = System.nanoTime();
            model.embed(pixels, batchSize);
            return new Timing((System.nanoTime() - start) / 1e9, (ProcessCpu.nanos() - cpu) / 1e9);
        }
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
