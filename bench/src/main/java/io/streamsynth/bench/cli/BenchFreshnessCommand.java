package io.streamsynth.bench.cli;

import io.streamsynth.model.checkpoint.CheckpointMetadata;
import io.streamsynth.model.data.FashionMnist;
import io.streamsynth.model.data.ImageDecoder;
import io.streamsynth.model.data.ImageSet;
import io.streamsynth.model.runtime.TorchRuntime;
import io.streamsynth.operators.kafka.ImageEventJson;
import io.streamsynth.operators.settings.CatalogSettings;
import io.streamsynth.operators.train.CatalogTrainer;
import io.streamsynth.operators.train.FreshnessHistogram;
import io.streamsynth.pipeline.cli.JobOptions;
import io.streamsynth.pipeline.cli.QuickstartCommand;
import io.streamsynth.pipeline.job.JobConfig;
import io.streamsynth.pipeline.kafka.ImageEventProducer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Freshness at a fixed input rate: for every event the trainer trained on, the delay from its
 * ingest by the job to the publication of the first version that trained on it, merged over all
 * published versions (read_committed, as a consumer of the checkpoints topic sees them).
 *
 * <p>Ingest time (when the job's source read the record) rather than the Kafka timestamp: it is
 * the clock of the machine that publishes, so no producer's clock skew enters the figure. At a
 * rate the job keeps up with the two differ by the source's poll interval; a job that falls behind
 * shows up as a coverage below one instead.
 */
@Command(name = "freshness", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Streams Fashion-MNIST at a fixed rate into the job (embedded Kafka + Flink MiniCluster) and "
                + "prints p50 and p99 of the delay from an event's ingest to the first published checkpoint "
                + "that trained on it, from the freshness summaries in the published checkpoints."})
public final class BenchFreshnessCommand implements Callable<Integer> {
    static final String CATALOG = "fresh";
    static final String WARMUP_CATALOG = "warmup";

    @Option(names = "--data", description = "Folder with the Fashion-MNIST IDX files (default: ${DEFAULT-VALUE}).")
    Path data = FashionMnist.DEFAULT_DIR;

    @Option(names = "--rate", description = "Events per second (default: ${DEFAULT-VALUE}).")
    int rate = 200;

    @Option(names = "--seconds", description = "How long events are sent at that rate (default: ${DEFAULT-VALUE}).")
    int seconds = 60;

    @Option(names = "--warmup-events", description = "Events of a separate catalog sent first, so that loading "
            + "PyTorch and the first steps do not count (default: ${DEFAULT-VALUE}).")
    int warmupEvents = 400;

    @Option(names = "--embedder", description = "on or off: run the embedder next to the trainer "
            + "(default: ${DEFAULT-VALUE}).")
    String embedder = "on";

    @Option(names = "--threads", description = "PyTorch threads per operator, as in the quickstart "
            + "(default: ${DEFAULT-VALUE}).")
    int threads = 1;

    @Option(names = "--timeout", description = "Longest wait in seconds for the last version after the events "
            + "(default: ${DEFAULT-VALUE}).")
    int timeoutSeconds = 90;

    @Mixin
    JobOptions job = new JobOptions();

    /** Images for tests, which have no Fashion-MNIST. */
    ImageSet images;

    /** Where the figures go; tests read them. */
    PrintStream out = System.out;

    /** What the run measured. */
    record Result(long events, FreshnessHistogram delays, int versions, CatalogSettings settings) {}

    @Override
    public Integer call() throws Exception {
        if (!embedder.equals("on") && !embedder.equals("off")) {
            throw new IllegalArgumentException("--embedder must be on or off, got '" + embedder + "'");
        }
        if (rate < 1 || seconds < 1 || warmupEvents < 0 || timeoutSeconds < 1) {
            throw new IllegalArgumentException("--rate, --seconds and --timeout must be positive, --warmup-events "
                    + "not negative");
        }
        TorchRuntime.engine(threads);
        ImageSet train = images != null ? images : FashionMnist.load(data, FashionMnist.Split.TRAIN);
        Result r = measure(train);
        FreshnessHistogram h = r.delays();
        out.printf(Locale.ROOT, "freshness at %d events/s for %d s (embedder %s, publish every %d steps or %.0f s): "
                + "p50 %d ms  p99 %d ms  max %d ms over %d trained events of %d sent (%.1f%%) in %d versions%n",
                rate, seconds, embedder, r.settings().publishEverySteps(),
                r.settings().publishInterval().toMillis() / 1000.0,
                h.percentileMillis(0.5), h.percentileMillis(0.99), h.maxMillis(), h.count(), r.events(),
                100.0 * h.count() / Math.max(1, r.events()), r.versions());
        return 0;
    }

    Result measure(ImageSet train) throws Exception {
        try (StreamingRig rig = StreamingRig.start(1);
                ImageEventProducer producer = new ImageEventProducer(rig.bootstrapServers(), new Properties(),
                        StreamingRig.IMAGES_TOPIC)) {
            JobConfig config = rig.configure(job);
            try (StreamingRig.Run run = rig.startJob(config, embedder.equals("on"))) {
                return measure(config, run, producer, train);
            }
        }
    }

    /** Warm-up catalog first, then paced events; the delays from the published checkpoints' freshness. */
    private Result measure(JobConfig config, StreamingRig.Run run, ImageEventProducer producer, ImageSet train)
            throws Exception {
        int[] order = QuickstartCommand.sample(train.size(), train.size(), config.seed());
        for (int i = 0; i < warmupEvents; i++) {
            producer.send(WARMUP_CATALOG, "warmup-" + i, train, order[i % order.length], true);
        }
        producer.flush();
        waitForVersion(run, WARMUP_CATALOG, Duration.ofSeconds(timeoutSeconds + 60L));

        // encoded up front: PNG encoding in the paced loop could not keep the rate on a busy machine
        byte[][] payloads = new byte[rate * seconds][];
        for (int i = 0; i < payloads.length; i++) {
            payloads[i] = encode("item-" + i, train, order[(warmupEvents + i) % order.length]);
        }
        long sent = 0;
        long start = System.nanoTime();
        while (sent < payloads.length) {
            producer.sendEvent(CATALOG, "item-" + sent, payloads[(int) sent]);
            sent++;
            long due = start + sent * 1_000_000_000L / rate;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            run.feed().poll(Duration.ZERO);
        }
        producer.flush();
        double achieved = sent / ((System.nanoTime() - start) / 1e9);
        if (achieved < 0.95 * rate) {
            out.printf(Locale.ROOT, "warning: sent %.0f events/s, not %d%n", achieved, rate);
        }
        waitUntilQuiet(run, config);
        FreshnessHistogram all = new FreshnessHistogram();
        int versions = 0;
        for (CheckpointMetadata m : run.feed().published()) {
            if (m.catalog().equals(CATALOG) && m.lineage().get(CatalogTrainer.FRESHNESS_KEY) instanceof Map<?, ?> s) {
                all.merge(FreshnessHistogram.fromMap(s));
                versions++;
            }
        }
        return new Result(sent, all, versions, config.catalog());
    }

    private static byte[] encode(String itemId, ImageSet images, int index) {
        byte[] png = ImageDecoder.encodePng(images.channels(), images.height(), images.width(),
                images.imageBytes(index));
        return ImageEventJson.encode(itemId, CATALOG, itemId, Integer.toString(images.labels()[index]), png,
                System.currentTimeMillis(), true);
    }

    private static void waitForVersion(StreamingRig.Run run, String catalog, Duration timeout) {
        long giveUp = System.currentTimeMillis() + timeout.toMillis();
        while (System.currentTimeMillis() < giveUp) {
            run.feed().poll(Duration.ofMillis(500));
            if (run.feed().published().stream().anyMatch(m -> m.catalog().equals(catalog))) {
                return;
            }
        }
        throw new IllegalStateException("no version of catalog '" + catalog + "' within " + timeout);
    }

    /** The last samples are published by the time rule, then made visible by the next Flink checkpoint. */
    private void waitUntilQuiet(StreamingRig.Run run, JobConfig config) {
        long quiet = config.trainer().publishInterval().toMillis() + 2 * config.checkpointInterval().toMillis() + 3000;
        long giveUp = System.currentTimeMillis() + timeoutSeconds * 1000L;
        long lastNew = System.currentTimeMillis();
        while (System.currentTimeMillis() < giveUp && System.currentTimeMillis() - lastNew < quiet) {
            if (run.feed().poll(Duration.ofMillis(500)) > 0) {
                lastNew = System.currentTimeMillis();
            }
        }
    }
}
