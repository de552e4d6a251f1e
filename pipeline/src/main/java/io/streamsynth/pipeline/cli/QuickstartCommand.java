package io.streamsynth.pipeline.cli;

import io.streamsynth.model.checkpoint.Checkpoint;
import io.streamsynth.model.checkpoint.CheckpointMetadata;
import io.streamsynth.model.data.FashionMnist;
import io.streamsynth.model.data.ImageSet;
import io.streamsynth.model.metrics.RetrievalReport;
import io.streamsynth.model.runtime.TorchRuntime;
import io.streamsynth.model.train.EmbeddingModel;
import io.streamsynth.operators.types.ItemEmbedding;
import io.streamsynth.pipeline.job.JobConfig;
import io.streamsynth.pipeline.job.StreamsynthJob;
import io.streamsynth.pipeline.kafka.EmbeddedKafka;
import io.streamsynth.pipeline.kafka.ImageEventProducer;
import io.streamsynth.pipeline.kafka.PipelineWatcher;
import io.streamsynth.pipeline.kafka.TopicSetup;
import io.streamsynth.pipeline.produce.FashionMnistItems;
import io.streamsynth.pipeline.produce.ImageItems;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The whole system in one process: an in-JVM Kafka broker, a Flink MiniCluster with its Web UI,
 * Fashion-MNIST streamed into the images topic, training, and a retrieval report at the end.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs everything in this JVM: a Kafka broker (KRaft), a Flink MiniCluster with the Web UI, "
                + "Fashion-MNIST streamed into the images topic, the training job and the embedder.",
            "Ends with zero-shot Recall@1 on the unseen classes' test images, computed from the embeddings the "
                + "final model published, next to the untrained model's figure."})
public final class QuickstartCommand implements Callable<Integer> {
    /** Item ids of the unseen-class test images, which are embedded but never trained on (as `produce` names test images). */
    private static final String QUERY_PREFIX = "test-";
    private static final String CATALOG = "fashion";
    /** How long a Ctrl-C waits for the summary, the job's stop and the cleanup. */
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(90);

    @Option(names = "--data", description = "Folder with the Fashion-MNIST IDX files (default: ${DEFAULT-VALUE}).")
    Path data = FashionMnist.DEFAULT_DIR;

    @Option(names = "--port", description = "Flink Web UI port (default: ${DEFAULT-VALUE}).")
    int port = 8081;

    @Option(names = "--events", description = "Training events to stream (default: ${DEFAULT-VALUE}).")
    int events = 20000;

    @Option(names = "--rate", description = "Events per second (default: ${DEFAULT-VALUE}).")
    int rate = 1000;

    @Option(names = "--train-classes", split = ",",
            description = "Classes streamed for training, or 'all' (default: 0,1,5,7,8).")
    List<String> trainClasses = List.of("0", "1", "5", "7", "8");

    @Option(names = "--query-items", description = "Unseen-class test images streamed as index-only items "
            + "for the zero-shot report (default: ${DEFAULT-VALUE}).")
    int queryItems = 2000;

    @Option(names = "--bad-events", description = "Malformed events sent to show the dead-letter path (default: ${DEFAULT-VALUE}).")
    int badEvents = 3;

    @Option(names = "--follow", description = "Keep running after the events until interrupted (Ctrl-C).")
    boolean follow;

    @Option(names = "--threads", description = "PyTorch threads per operator; the trainer and the embedder share "
            + "the machine's cores, 0 = one per core (default: ${DEFAULT-VALUE}).")
    int threads = 1;

    @Option(names = "--work-dir", description = "Where Flink checkpoints go (default: a new temporary folder).")
    Path workDir;

    @Option(names = "--timeout", description = "Give up waiting for the final model after this many seconds (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds = 300;

    @Mixin
    JobOptions job = new JobOptions();

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        if (events < 1 || rate < 1 || queryItems < 0 || badEvents < 0) {
            throw new IllegalArgumentException("--events and --rate must be positive; --query-items and --bad-events "
                    + "must not be negative");
        }
        TorchRuntime.engine(threads);
        Set<Integer> train = parseClasses(trainClasses);
        Set<Integer> unseen = new HashSet<>();
        for (int c = 0; c < 10; c++) {
            if (!train.contains(c)) {
                unseen.add(c);
            }
        }
        // items named as `produce` names them (<split>-<index in the split's file>): `evaluate
        // --items-prefix test-` finds the query items, and `produce` sends the same image as the same item
        ImageItems trainItems = FashionMnistItems.select(data, FashionMnist.Split.TRAIN, train);
        ImageItems queryPool = unseen.isEmpty() ? null
                : FashionMnistItems.select(data, FashionMnist.Split.TEST, unseen);
        // closed in reverse order: the files go first, then a Ctrl-C waiting for them may end the JVM
        try (StopOnSignal stop = new StopOnSignal(SHUTDOWN_GRACE); QuickstartDirs dirs = QuickstartDirs.create(workDir);
                QuickstartLogFile log = QuickstartLogFile.attach(dirs.logFile())) {
            run(stop, dirs, trainItems, queryPool);
        }
        return 0;
    }

    private void run(StopOnSignal stop, QuickstartDirs dirs, ImageItems trainItems, ImageItems queryPool)
            throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(Map.of(), dirs.kafka())) {
            JobConfig config = job.toConfig(kafka.bootstrapServers());
            ImageItems training = pick(trainItems, events, config.seed() + 1);
            ImageItems queries = queryPool == null ? null : pick(queryPool, queryItems, config.seed());
            kafka.createTopics(TopicSetup.topics(config.topics(), 2, config.limits().maxEventBytes(),
                    config.maxChunkBytes()));
            out.printf("Kafka (in-JVM, KRaft) at %s; topics %s%n", kafka.bootstrapServers(), config.topics());
            out.printf("PyTorch %s on %s (--device %s)%n", TorchRuntime.engine().getVersion(),
                    config.trainer().device().resolve(), config.trainer().device());

            StreamExecutionEnvironment env = QuickstartFlink.environment(port, dirs);
            StreamsynthJob.build(env, config);
            JobClient client = env.executeAsync("streamsynth quickstart");
            out.printf("Flink Web UI: http://localhost:%d  (job %s); JobManager log %s%n", port, client.getJobID(),
                    dirs.logFile());

            int queryCount = queries == null ? 0 : queries.size();
            AtomicLong produced = new AtomicLong();
            AtomicBoolean producing = new AtomicBoolean(true);
            Thread producer = new Thread(() -> produce(kafka, config, training, queries, produced, producing, stop),
                    "quickstart-producer");
            producer.setDaemon(true);
            producer.start();

            try (PipelineWatcher watcher = new PipelineWatcher(kafka.bootstrapServers(), config.kafkaProperties(),
                    config.topics(), QUERY_PREFIX)) {
                watch(watcher, stop, producing, produced, training.size() + queryCount, queryCount, config);
                report(watcher, config, queries);
            } finally {
                producing.set(false);
                stop(client);
            }
        }
    }

    /** {@code count} items of {@code pool} chosen and ordered by a seeded shuffle ({@link #sample}). */
    private static ImageItems pick(ImageItems pool, int count, long seed) {
        List<ImageItems.Item> chosen = new ArrayList<>();
        for (int i : sample(pool.size(), count, seed)) {
            chosen.add(pool.items().get(i));
        }
        return new ImageItems(pool.images(), chosen);
    }

    /** Cancels the job and waits until it is gone, so Flink's Kafka clients stop before the broker does. */
    private static void stop(JobClient client) {
        try {
            client.cancel().get(60, java.util.concurrent.TimeUnit.SECONDS);
            client.getJobExecutionResult().get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception expected) {
            // a cancelled job ends its result future exceptionally
        }
    }

    private void produce(EmbeddedKafka kafka, JobConfig config, ImageItems training, ImageItems queries,
            AtomicLong produced, AtomicBoolean producing, StopOnSignal stop) {
        try (ImageEventProducer p = new ImageEventProducer(kafka.bootstrapServers(), config.kafkaProperties(),
                config.topics().images())) {
            long start = System.nanoTime();
            long n = 0;
            for (ImageItems.Item q : queries == null ? List.<ImageItems.Item>of() : queries.items()) {
                if (stop.requested()) {
                    return;
                }
                p.send(CATALOG, q.itemId(), queries.images(), q.index(), false);
                pace(++n, start);
                produced.incrementAndGet();
            }
            for (int i = 0; i < badEvents; i++) {
                p.sendRaw("bad-" + i, ("{\"schema_version\":1,\"catalog\":\"" + CATALOG + "\",\"image\":\"not base64!\"}")
                        .getBytes(StandardCharsets.UTF_8));
            }
            for (ImageItems.Item t : training.items()) {
                if (stop.requested()) {
                    return;
                }
                p.send(CATALOG, t.itemId(), training.images(), t.index(), true);
                pace(++n, start);
                produced.incrementAndGet();
            }
            p.flush();
        } finally {
            producing.set(false);
        }
    }

    private void pace(long n, long startNanos) {
        long due = startNanos + n * 1_000_000_000L / rate;
        long wait = due - System.nanoTime();
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Prints progress until the events are in and the final version's embeddings are all out, or
     * until a signal asks the run to stop.
     */
    private void watch(PipelineWatcher w, StopOnSignal stop, AtomicBoolean producing, AtomicLong produced,
            long total, int queries, JobConfig config) throws InterruptedException {
        long lastPrint = 0;
        long lastVersion = -1;
        long versionSince = System.currentTimeMillis();
        long quietNeeded = config.trainer().publishInterval().toMillis() + 3 * config.checkpointInterval().toMillis()
                + 2000;
        long deadline = Long.MAX_VALUE;
        while (true) {
            w.poll(Duration.ofMillis(500));
            if (stop.requested()) {
                out.println("stopping: printing the summary, stopping the job and removing its files ...");
                return;
            }
            long now = System.currentTimeMillis();
            // the served version: a candidate the promotion gate held back is never embedded
            Checkpoint newest = w.newestPromotedCheckpointByCatalog().get(CATALOG);
            long version = newest == null ? 0 : newest.metadata().modelVersion();
            if (version != lastVersion) {
                lastVersion = version;
                versionSince = now;
            }
            if (now - lastPrint >= 3000) {
                lastPrint = now;
                printStatus(w, config, produced.get(), total);
            }
            if (producing.get() || follow) {
                continue;
            }
            if (deadline == Long.MAX_VALUE) {
                deadline = now + timeoutSeconds * 1000L;
                out.println("all events sent; waiting for the final model and its embeddings ...");
            }
            boolean quiet = now - versionSince >= quietNeeded;
            if (quiet && version > 0 && queriesAt(w, version) >= queries) {
                printStatus(w, config, produced.get(), total);
                return;
            }
            if (now > deadline) {
                out.println("timed out waiting for the final model; reporting what arrived");
                return;
            }
        }
    }

    private static long queriesAt(PipelineWatcher w, long version) {
        return w.newestEmbeddings().values().stream()
                .filter(e -> e.itemId.startsWith(QUERY_PREFIX) && e.modelVersion == version).count();
    }

    private void printStatus(PipelineWatcher w, JobConfig config, long produced, long total) {
        SortedMap<String, CheckpointMetadata> newest = new TreeMap<>();
        w.newestCheckpointByCatalog().forEach((catalog, c) -> newest.put(catalog, c.metadata()));
        out.println(QuickstartProgress.line(w.recordsIn(config.topics().images()), produced, total, newest,
                w.embeddings(), w.deadLetters()));
    }

    private void report(PipelineWatcher w, JobConfig config, ImageItems queries) {
        // the served versions: a candidate the promotion gate held back is never embedded
        SortedMap<String, Checkpoint> newest = w.newestPromotedCheckpointByCatalog();
        Checkpoint last = newest.get(CATALOG);
        out.println();
        out.println("== summary");
        out.printf("checkpoints published: %d, %d of them promoted (each re-embedded the catalog); embeddings "
                + "published: %d; dead letters: %d%n", w.checkpoints().size(), w.promotedCheckpoints(), w.embeddings(),
                w.deadLetters());
        newest.forEach((catalog, c) -> {
            if (!catalog.equals(CATALOG)) {
                out.printf("catalog %s: version %d at step %d; held-out figures %s%n", catalog,
                        c.metadata().modelVersion(), c.metadata().step(),
                        QuickstartProgress.figures(c.metadata().evaluation()));
            }
        });
        if (last == null || queries == null || queries.size() == 0) {
            out.println("no final model or no unseen classes: nothing to report");
            return;
        }
        out.printf("final model (the newest promoted): version %d at step %d; held-out figures %s%n",
                last.metadata().modelVersion(), last.metadata().step(),
                QuickstartProgress.figures(last.metadata().evaluation()));
        // only a version every query item reached is comparable with another run: a timed-out wait
        // leaves the final version on part of them
        VersionCoverage coverage = new VersionCoverage();
        w.retainedVersions().forEach((item, versions) -> versions.keySet().forEach(v -> coverage.add(item, v)));
        int queriesSent = queries.size();
        long finalVersion = last.metadata().modelVersion();
        OptionalLong complete = coverage.newestComplete(queriesSent);
        if (complete.isEmpty()) {
            out.printf(Locale.ROOT, "no version has reached all %d query items yet (the final version %d has %d of "
                    + "them): no figure comparable with a full run to report%n", queriesSent, finalVersion,
                    coverage.itemsAt(finalVersion));
            return;
        }
        long version = complete.getAsLong();
        List<float[]> vectors = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (Map<Long, ItemEmbedding> versions : w.retainedVersions().values()) {
            ItemEmbedding e = versions.get(version);
            if (e != null) {
                vectors.add(e.vector);
                labels.add(Integer.parseInt(e.label));
            }
        }
        if (vectors.size() < 2) {
            out.println("too few query embeddings at the final version to evaluate");
            return;
        }
        String why = version == finalVersion ? "the final version, which all of them reached"
                : String.format(Locale.ROOT, "the newest version all of them reached; the final version %d reached "
                        + "only %d", finalVersion, coverage.itemsAt(finalVersion));
        RetrievalReport trained = RetrievalReport.evaluate(vectors.toArray(new float[0][]),
                labels.stream().mapToInt(Integer::intValue).toArray(), config.seed());
        RetrievalReport untrained = untrained(config, queries);
        out.printf(Locale.ROOT, "zero-shot on %d unseen-class test images (from published embeddings, version %d: "
                + "%s):%n", vectors.size(), version, why);
        out.printf(Locale.ROOT, "  Recall@1 %.4f  (untrained %.4f)   NMI %.4f  (untrained %.4f)   MAP@R %.4f  "
                + "(untrained %.4f)%n", trained.recallAt1(), untrained.recallAt1(), trained.nmi(), untrained.nmi(),
                trained.mapAtR(), untrained.mapAtR());
    }

    /** The same network with its initial weights (same seed), on the same query images. */
    private RetrievalReport untrained(JobConfig config, ImageItems queries) {
        ImageSet subset = queries.images().subset(queries.items().stream().mapToInt(ImageItems.Item::index).toArray());
        try (EmbeddingModel model = new EmbeddingModel(config.trainer().architecture(),
                config.trainer().device().resolve(), config.trainer().seed(),
                config.trainer().readScriptedBackbone())) {
            return RetrievalReport.evaluate(model.embed(subset.pixels(), 256), subset.labels(), config.seed());
        }
    }

    private static String fmt(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }

    static Set<Integer> parseClasses(List<String> values) {
        Set<Integer> out = new HashSet<>();
        if (values.size() == 1 && values.get(0).equalsIgnoreCase("all")) {
            for (int c = 0; c < 10; c++) {
                out.add(c);
            }
            return out;
        }
        for (String v : values) {
            try {
                int c = Integer.parseInt(v.trim());
                if (c < 0 || c > 9) {
                    throw new NumberFormatException();
                }
                out.add(c);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--train-classes takes class numbers 0..9 or 'all', got '" + v + "'");
            }
        }
        if (out.size() < 2) {
            throw new IllegalArgumentException("--train-classes needs at least two classes");
        }
        return out;
    }

    /** {@code count} distinct indices of 0..n-1 in a seeded random order. */
    public static int[] sample(int n, int count, long seed) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        Random r = new Random(seed);
        int k = Math.min(count, n);
        for (int i = 0; i < k; i++) {
            int j = i + r.nextInt(n - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        return java.util.Arrays.copyOf(all, k);
    }
}
