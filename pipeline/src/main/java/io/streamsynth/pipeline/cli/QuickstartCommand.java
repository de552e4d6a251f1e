package io.streamsynth.pipeline.cli;

import io.streamsynth.model.data.FashionMnist;
import io.streamsynth.model.runtime.TorchRuntime;
import io.streamsynth.pipeline.job.JobConfig;
import io.streamsynth.pipeline.job.LocalJobRunner;
import io.streamsynth.pipeline.kafka.GroupCommittedOffsets;
import io.streamsynth.pipeline.kafka.PipelineWatcher;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.runtime.minicluster.MiniCluster;
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
    /** Partitions beyond the embedder's default max parallelism (128 key groups) would gain nothing here. */
    private static final int MAX_PARTITIONS = 128;

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

    @Option(names = "--partitions", description = "Partitions of the images and embeddings topics. With one, runs "
            + "repeat to the last digit; with more, the order in which samples reach the trainer, and so its figures, "
            + "change a little from run to run (default: ${DEFAULT-VALUE}).")
    int partitions = QuickstartBroker.DEFAULT_PARTITIONS;

    @Option(names = "--bad-events", description = "Malformed events sent to show the dead-letter path (default: ${DEFAULT-VALUE}).")
    int badEvents = 3;

    @Option(names = "--rgb-catalog", description = "Also stream a second catalog, 'products': RGB product shots "
            + "(PNG, JPEG, CMYK JPEG, EXIF-rotated, transparent PNG, WebP) of a quarter of the training items (at most "
            + "2000) and of 400 query items, at a quarter of --rate, under its own settings record on the catalogs "
            + "topic (3 channels, S 72 / C 64, a 64-d CNN); the summary reports both catalogs.")
    boolean rgbCatalog;

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
        if (partitions < 1 || partitions > MAX_PARTITIONS) {
            throw new IllegalArgumentException("--partitions must be 1.." + MAX_PARTITIONS + ", got " + partitions);
        }
        QuickstartTimeBudget budget = new QuickstartTimeBudget();
        QuickstartData.parseClasses(trainClasses); // a bad class list stops the run before the broker starts
        // the files go first, then the time budget is printed, then a Ctrl-C waiting for both may end the JVM
        try (StopOnSignal stop = new StopOnSignal(SHUTDOWN_GRACE)) {
            try (QuickstartDirs dirs = QuickstartDirs.create(workDir);
                    QuickstartLogFile log = QuickstartLogFile.attach(dirs.logFile())) {
                // libtorch loads (reading and relocating a few hundred MB of natives) while the broker and Flink
                // start. Only once the log file is attached: DJL's first log line would otherwise start log4j in
                // that thread while attach edits the configuration, and the file configuration it installs last
                // drops the file's appender (an empty jobmanager.log in 2 of 6 runs)
                CompletableFuture<Void> torch = CompletableFuture.runAsync(() -> TorchRuntime.engine(threads), task -> {
                    Thread t = new Thread(task, "pytorch-load");
                    t.setDaemon(true);
                    t.start();
                });
                run(stop, dirs, budget, torch);
            } finally {
                // a run that failed shows too where its time went
                budget.mark(QuickstartTimeBudget.Mark.ENDED);
                out.println(budget.line());
            }
        }
        return 0;
    }

    private void run(StopOnSignal stop, QuickstartDirs dirs, QuickstartTimeBudget budget, CompletableFuture<Void> torch)
            throws Exception {
        // closed last: the runner below has ended the job (and its Kafka clients) before the broker stops
        try (QuickstartFlink.Starting flinkStart = QuickstartFlink.startInBackground(port, dirs);
                QuickstartBroker kafka = QuickstartBroker.start(dirs.kafka())) {
            budget.startupPart("broker");
            JobConfig config = job.toConfig(kafka.bootstrapServers());
            QuickstartData split = QuickstartData.select(data, trainClasses, events, queryItems, config.seed());
            budget.startupPart("data");
            kafka.createTopics(config, partitions);
            budget.startupPart("topics");
            Awaiting.result(torch);
            budget.startupPart("pytorch");
            out.printf("Kafka (in-JVM, KRaft) at %s; topics %s%n", kafka.bootstrapServers(), config.topics());
            out.printf("PyTorch %s on %s (--device %s)%n", TorchRuntime.engine().getVersion(),
                    config.trainer().device().resolve(), config.trainer().device());

            // closed before the broker, so Flink's Kafka clients stop while it is still up
            MiniCluster cluster = flinkStart.await();
            budget.startupPart("flink");
            try (LocalJobRunner flink = startupPart(QuickstartFlink.submit(cluster, dirs, config), "job", budget);
                    PipelineWatcher watcher = new PipelineWatcher(kafka.bootstrapServers(), config.kafkaProperties(),
                            config.topics(), QUERY_PREFIX);
                    GroupCommittedOffsets source = new GroupCommittedOffsets(kafka.bootstrapServers(),
                            config.kafkaProperties(), config.groupId(), config.topics().images())) {
                budget.startupPart("watcher");
                out.printf("Flink Web UI: http://localhost:%d  (job %s); JobManager log %s%n", port, flink.jobId(),
                        dirs.logFile());
                QuickstartFeed feed = new QuickstartFeed(kafka.bootstrapServers(), config.kafkaProperties(),
                        config.topics().images(), CATALOG, split, badEvents, rate, stop::requested, budget);
                feed.start();
                try (QuickstartRgbCatalog rgb = rgbCatalog ? rgbCatalog(kafka.bootstrapServers(), config, split, stop)
                        : null) {
                    if (rgb != null) {
                        rgb.start();
                        out.printf("catalog %s: settings record %s on topic %s; %d query shots, then training shots%n",
                                QuickstartRgbCatalog.CATALOG, QuickstartRgbCatalog.SETTINGS, config.topics().catalogs(),
                                rgb.queryCount());
                    }
                    QuickstartTrainingEnd trainingEnd = new QuickstartTrainingEnd(QuickstartTrainingEnd.trainable(
                            CATALOG, split.training().items().stream().map(i -> i.itemId()).toList(),
                            config.heldOutShare()), config.batches().freshPerBatch());
                    new QuickstartWatch(watcher, config, CATALOG, QUERY_PREFIX, out, budget, trainingEnd, source)
                            .untilDone(feed, split.planned(), split.queryCount(), stop, follow,
                                    Duration.ofSeconds(timeoutSeconds));
                    if (rgb != null) {
                        rgb.awaitFinal(Duration.ofSeconds(timeoutSeconds), stop::requested);
                        watcher.poll(Duration.ofSeconds(1)); // the summary's catalog lines as of now
                    }
                    new QuickstartReport(watcher, config, CATALOG, config.seed(), out).print(split.queries());
                    if (rgb != null) {
                        rgb.report(out);
                    }
                }
                budget.mark(QuickstartTimeBudget.Mark.REPORTED);
            }
        }
    }

    private QuickstartRgbCatalog rgbCatalog(String bootstrapServers, JobConfig config, QuickstartData split,
            StopOnSignal stop) {
        int shots = Math.min(2000, Math.max(1, split.training().size() / 4));
        return new QuickstartRgbCatalog(bootstrapServers, config, split.training(), shots, split.queries(), 400,
                Math.max(1, rate / 4.0), stop::requested);
    }

    private static <T> T startupPart(T started, String part, QuickstartTimeBudget budget) {
        budget.startupPart(part);
        return started;
    }

    /**
     * {@code count} distinct indices of 0..n-1 in a seeded random order: the order in which the
     * quickstart picks its events, which the streaming benches follow too.
     */
    public static int[] sample(int n, int count, long seed) {
        return QuickstartData.sample(n, count, seed);
    }
}
