package io.streamsynth.bench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamsynth.bench.growing.GrowthVerdict;
import io.streamsynth.bench.growing.GrowthWindows;
import io.streamsynth.bench.growing.Percentile;
import io.streamsynth.bench.growing.RunTimeline;
import io.streamsynth.bench.growing.Window;
import io.streamsynth.model.checkpoint.CheckpointMetadata;
import io.streamsynth.model.data.FashionMnist;
import io.streamsynth.model.data.ImageSet;
import io.streamsynth.model.runtime.TorchRuntime;
import io.streamsynth.operators.settings.CatalogSettings;
import io.streamsynth.operators.types.VersionMarker;
import io.streamsynth.pipeline.cli.JobOptions;
import io.streamsynth.pipeline.cli.QuickstartCommand;
import io.streamsynth.pipeline.job.JobConfig;
import io.streamsynth.pipeline.kafka.GroupCommittedOffsets;
import io.streamsynth.pipeline.kafka.ImageEventProducer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A run that grows (issue 14, part 3): the real job (embedded Kafka + Flink MiniCluster, embedder
 * on) takes ten times the quickstart's training events into one catalog, every event a new item,
 * so the embedder's store and each re-embedding pass grow all run long. Per window of events sent
 * it reports what {@link Window} describes, and a verdict on the rule ({@link GrowthVerdict}).
 */
@Command(name = "stream-growth", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"A run that grows: streams --events new items (Fashion-MNIST train images of the quickstart's "
                + "training classes, cycled as mirrored and shifted copies) into ONE catalog of the real job "
                + "(embedded Kafka + Flink MiniCluster, embedder on), as fast as the job takes them or at --rate. "
                + "Per window of the events sent (window k of W: events k*N/W to (k+1)*N/W, over the span from the "
                + "first send of its events to the first send of the next window's) it reports:",
            "  trainer images/s: training steps in the span (read off the published checkpoints' steps and "
                + "creation times, linear between two) times P x K, per second;",
            "  refresh items/s: records the embedder wrote to the embeddings topic in the span (by their "
                + "CreateTime), per second; split into new items (an item's first record) and re-embedded ones;",
            "  freshness p50/p99: over the window's events, the time from the event's send (its CreateTime on the "
                + "images topic) to the CreateTime of its item's first embedding record (written by the job's sink "
                + "when the embedder emitted it; a read_committed reader sees it when the transaction commits with "
                + "the next Flink checkpoint: 'visible p99' measures to that moment, as a reader thread saw it); an "
                + "item never embedded counts as infinitely late;",
            "  versions: published in the span, promoted, announced complete (embedding-versions topic), and the "
                + "longest delay from a version's publication (created_at_millis) to its 'complete' marker;",
            "  stored items (items with an embedding by the end of the span) and versions so far.",
            "It ends with a verdict: trainer images/s and refresh items/s of the last window at least 80%% of the "
                + "first's, freshness p99 at most 120%% of the first's. Prints one JSON object per window, per "
                + "version and for the verdict, then a table. Progress on stderr. Exit code 0 whatever the "
                + "verdict; 2 for bad flags."})
public final class BenchStreamGrowthCommand implements Callable<Integer> {
    static final String CATALOG = "growth";
    static final String ITEM_PREFIX = "g-";
    static final String WARMUP_CATALOG = "growth-warmup";
    /** The quickstart streams 20,000 training events by default (its --events): ten times that. */
    static final int DEFAULT_EVENTS = 10 * 20_000;

    @Option(names = "--data", description = "Folder with the Fashion-MNIST IDX files (default: ${DEFAULT-VALUE}).")
    Path data = FashionMnist.DEFAULT_DIR;

    @Option(names = "--events", description = "New items to stream, ten times the quickstart's 20,000 training "
            + "events by default (default: ${DEFAULT-VALUE}).")
    int events = DEFAULT_EVENTS;

    @Option(names = {"--windows", "--tenths"}, description = "Windows the run is cut into by events sent "
            + "(default: ${DEFAULT-VALUE}).")
    int windows = 10;

    @Option(names = "--rate", description = "Events per second; 0 sends them as fast as the job takes them, at "
            + "most --backlog ahead of what its source has committed (default: ${DEFAULT-VALUE}).")
    double rate = 0;

    @Option(names = "--backlog", description = "With --rate 0, the most events sent that the job's source has not "
            + "committed yet; it commits with each Flink checkpoint, so keep it above a checkpoint interval's worth "
            + "of events (default: ${DEFAULT-VALUE}).")
    int backlog = 5000;

    @Option(names = "--train-classes", split = ",", description = "Fashion-MNIST classes the items come from "
            + "(default: the quickstart's 0,1,5,7,8).")
    List<Integer> trainClasses = List.of(0, 1, 5, 7, 8);

    @Option(names = "--warmup-events", description = "Events of a separate catalog sent first; the run starts "
            + "once that catalog's first trained version is out, so loading PyTorch and the first steps do not count "
            + "in the first window; 0 to start cold (default: ${DEFAULT-VALUE}).")
    int warmupEvents = 400;

    @Option(names = "--threads", description = "PyTorch threads per operator, as in the quickstart; 0 = one per "
            + "core (default: ${DEFAULT-VALUE}).")
    int threads = 1;

    @Option(names = "--max-send-seconds", description = "Stop sending after this long even if fewer than --events "
            + "went out; the windows then cut the events sent. For a machine too busy to take them all in the time "
            + "there is; 0 for no limit (default: ${DEFAULT-VALUE}).")
    int maxSendSeconds = 0;

    @Option(names = "--timeout", description = "Longest wait in seconds, after the last event, for every item's "
            + "first embedding and every promoted version's marker (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds = 900;

    /** The job's own settings and defaults, --seed among them (it also orders and augments the events). */
    @Mixin
    JobOptions job = new JobOptions();

    /** Images for tests, which have no Fashion-MNIST. */
    ImageSet images;

    /** Where the figures go; tests read them. */
    PrintStream out = System.out;

    /** Where progress goes. */
    PrintStream err = System.err;

    /** What a run measured. */
    record Result(RunTimeline timeline, List<Window> windows, GrowthVerdict verdict, long runStartMillis) {}

    @Override
    public Integer call() throws Exception {
        Result r = measure();
        print(r);
        return 0;
    }

    Result measure() throws Exception {
        if (events < 2 || windows < 2 || windows > events || rate < 0 || backlog < 1 || threads < 0
                || timeoutSeconds < 1 || warmupEvents < 0 || maxSendSeconds < 0) {
            throw new IllegalArgumentException("need --events >= 2, 2 <= --windows <= --events, --rate >= 0, "
                    + "--backlog >= 1, --threads >= 0, --timeout >= 1, --warmup-events >= 0, --max-send-seconds >= 0");
        }
        Set<Integer> classes = new TreeSet<>(trainClasses);
        if (classes.size() < 2 || classes.stream().anyMatch(c -> c < 0 || c > 9)) {
            throw new IllegalArgumentException("--train-classes needs at least two classes within 0..9, got "
                    + trainClasses);
        }
        TorchRuntime.engine(threads);
        ImageSet pool = (images != null ? images : FashionMnist.load(data, FashionMnist.Split.TRAIN))
                .filterClasses(classes);
        if (pool.size() < 2) {
            throw new IllegalArgumentException("the images hold fewer than two of classes " + classes);
        }
        try (StreamingRig rig = StreamingRig.start(1)) {
            JobConfig config = rig.configure(job);
            int[] order = QuickstartCommand.sample(pool.size(), pool.size(), config.seed() + 1);
            CatalogSettings c = config.catalog();
            err.printf(Locale.ROOT, "bench stream-growth: %d new items into catalog '%s' (%d images of classes %s, "
                    + "cycled as mirrored and shifted copies), %s; batch %dx%d, publish every %d steps or %.0f s, "
                    + "min refresh interval %.0f s, embed batch %d, checkpoints every %.1f s, %d PyTorch thread(s); "
                    + "load average %s%n", events, CATALOG, pool.size(), classes,
                    rate > 0 ? rate + " events/s" : "as fast as the job takes them (backlog " + backlog + ")",
                    c.classesPerBatch(), c.samplesPerClass(), c.publishEverySteps(),
                    c.publishInterval().toMillis() / 1000.0, c.promotion().minRefreshInterval().toMillis() / 1000.0,
                    config.embedder().batchSize(), config.checkpointInterval().toMillis() / 1000.0, threads,
                    loadAverage());
            try (StreamingRig.Run run = rig.startJob(config, true);
                    GroupCommittedOffsets offsets = new GroupCommittedOffsets(rig.bootstrapServers(), config.kafkaProperties(),
                            run.config().groupId(), StreamingRig.IMAGES_TOPIC);
                    // closed here too: a warm-up that fails would otherwise leave its reader thread polling
                    EmbeddingsWatch watch = new EmbeddingsWatch(rig.bootstrapServers(), config.kafkaProperties(),
                            run.config().topics().embeddings(), CATALOG, ITEM_PREFIX, events)) {
                watch.start();
                warmUp(rig, run, pool, order);
                GrowingFeed feed = new GrowingFeed(rig.bootstrapServers(), config.kafkaProperties(),
                        StreamingRig.IMAGES_TOPIC, CATALOG, ITEM_PREFIX, pool, order, events, config.seed(), rate,
                        backlog, offsets::committed, maxSendSeconds == 0 ? null : Duration.ofSeconds(maxSendSeconds));
                try {
                    long start = System.currentTimeMillis();
                    feed.start();
                    follow(run, feed, watch, offsets, start);
                } finally {
                    feed.stop();
                    watch.close();
                }
                if (feed.failure() != null) {
                    throw new IllegalStateException("sending the events failed", feed.failure());
                }
                long[] sent = feed.sentMillis();
                if (sent.length < events) {
                    err.printf(Locale.ROOT, "warning: --max-send-seconds %d ended the feed after %d of %d events; the "
                            + "windows cut those%n", maxSendSeconds, sent.length, events);
                }
                if (sent.length < windows) {
                    throw new IllegalStateException("only " + sent.length + " events went out, fewer than --windows");
                }
                RunTimeline timeline = new RunTimeline(sent, Arrays.copyOf(watch.firstWritten(), sent.length),
                        Arrays.copyOf(watch.firstVisible(), sent.length),
                        watch.written(), trainer(run.feed().published()),
                        versions(run.feed().published(), run.feed().markers()),
                        c.classesPerBatch() * c.samplesPerClass());
                List<Window> rows = GrowthWindows.split(timeline, windows);
                GrowthVerdict verdict = GrowthVerdict.of(rows.get(0), rows.get(rows.size() - 1),
                        GrowthVerdict.MAX_DEGRADATION);
                err.printf(Locale.ROOT, "load average at the end %s%n", loadAverage());
                return new Result(timeline, rows, verdict, sent[0]);
            }
        }
    }

    /** Sends the warm-up catalog's events and waits for its first trained version (version 1). */
    private void warmUp(StreamingRig rig, StreamingRig.Run run, ImageSet pool, int[] order) {
        if (warmupEvents == 0) {
            return;
        }
        long t = System.currentTimeMillis();
        try (ImageEventProducer p = new ImageEventProducer(rig.bootstrapServers(), run.config().kafkaProperties(),
                StreamingRig.IMAGES_TOPIC)) {
            for (int i = 0; i < warmupEvents; i++) {
                p.send(WARMUP_CATALOG, "warmup-" + i, pool, order[i % order.length], true);
            }
            p.flush();
        }
        long giveUp = t + timeoutSeconds * 1000L;
        while (run.feed().published().stream()
                .noneMatch(m -> m.catalog().equals(WARMUP_CATALOG) && m.modelVersion() >= 1)) {
            if (System.currentTimeMillis() > giveUp || run.job().ended()) {
                throw new IllegalStateException("the warm-up catalog published no trained version within "
                        + timeoutSeconds + " s");
            }
            run.feed().poll(Duration.ofMillis(500));
        }
        err.printf(Locale.ROOT, "warm-up: %d events of catalog '%s' trained and published in %.1f s%n", warmupEvents,
                WARMUP_CATALOG, (System.currentTimeMillis() - t) / 1000.0);
    }

    /** Polls the checkpoints and markers while the events go out, then until everything is embedded. */
    private void follow(StreamingRig.Run run, GrowingFeed feed, EmbeddingsWatch watch, GroupCommittedOffsets offsets,
            long start) throws Exception {
        long lastReport = System.currentTimeMillis();
        long giveUp = Long.MAX_VALUE;
        while (true) {
            run.feed().poll(Duration.ofMillis(500));
            long now = System.currentTimeMillis();
            if (feed.failure() != null) {
                return;
            }
            if (run.job().ended()) {
                throw new IllegalStateException("the job ended before the run did; see its log");
            }
            boolean sending = feed.sending();
            if (!sending && giveUp == Long.MAX_VALUE) {
                giveUp = now + timeoutSeconds * 1000L;
            }
            if (!sending && watch.itemsEmbedded() >= feed.sent() && allPromotedMarked(run.feed())) {
                return;
            }
            if (now > giveUp) {
                err.printf(Locale.ROOT, "warning: gave up after %d s: %d of %d items embedded, promoted versions "
                        + "without a marker remain: %s%n", timeoutSeconds, watch.itemsEmbedded(), feed.sent(),
                        !allPromotedMarked(run.feed()));
                return;
            }
            if (now - lastReport >= 15_000) {
                lastReport = now;
                List<CheckpointMetadata> published = run.feed().published();
                long step = published.isEmpty() ? 0 : published.get(published.size() - 1).step();
                err.printf(Locale.ROOT, "  %4.0f s: sent %d/%d, job's source committed %d, items embedded %d, "
                        + "versions %d (step %d), markers %d; load %s%n", (now - start) / 1000.0, feed.sent(), events,
                        offsets.committed(), watch.itemsEmbedded(), published.size(), step,
                        run.feed().markers().size(), loadAverage());
                err.flush();
            }
        }
    }

    private static boolean allPromotedMarked(StreamingRig.CheckpointFeed feed) {
        Set<Long> marked = new TreeSet<>();
        for (VersionMarker m : feed.markers()) {
            if (m.catalog.equals(CATALOG)) {
                marked.add(m.version);
            }
        }
        return feed.published().stream().filter(m -> m.catalog().equals(CATALOG) && m.promoted())
                .allMatch(m -> marked.contains(m.modelVersion()));
    }

    static List<RunTimeline.TrainerPoint> trainer(List<CheckpointMetadata> published) {
        return published.stream().filter(m -> m.catalog().equals(CATALOG))
                .map(m -> new RunTimeline.TrainerPoint(m.createdAtMillis(), m.step())).toList();
    }

    /** Each published version of the catalog with the times of its markers, if any. */
    static List<RunTimeline.VersionSpan> versions(List<CheckpointMetadata> published, List<VersionMarker> markers) {
        List<RunTimeline.VersionSpan> spans = new ArrayList<>();
        for (CheckpointMetadata m : published) {
            if (!m.catalog().equals(CATALOG)) {
                continue;
            }
            long complete = -1;
            long superseded = -1;
            for (VersionMarker v : markers) {
                if (v.catalog.equals(CATALOG) && v.version == m.modelVersion()) {
                    if (v.isComplete()) {
                        complete = v.timeMillis;
                    } else if (v.isSuperseded()) {
                        superseded = v.timeMillis;
                    }
                }
            }
            spans.add(new RunTimeline.VersionSpan(m.modelVersion(), m.step(), m.createdAtMillis(), m.promoted(),
                    complete, superseded));
        }
        return spans;
    }

    void print(Result r) throws IOException {
        ObjectMapper json = new ObjectMapper();
        for (Window w : r.windows()) {
            out.println(json.writeValueAsString(w.toMap(r.runStartMillis())));
        }
        for (RunTimeline.VersionSpan v : r.timeline().versions()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", "version");
            m.put("version", v.version());
            m.put("step", v.step());
            m.put("published_s", (v.publishedMillis() - r.runStartMillis()) / 1000.0);
            m.put("promoted", v.promoted());
            m.put("status", v.completeMillis() >= 0 ? "complete" : v.supersededMillis() >= 0 ? "superseded"
                    : v.promoted() ? "pending" : "not promoted");
            m.put("publish_to_complete_ms", v.completeMillis() >= 0 ? v.completeLatencyMillis() : null);
            out.println(json.writeValueAsString(m));
        }
        out.println(json.writeValueAsString(r.verdict().toMap()));
        out.println();
        out.printf("%6s %15s %7s %9s %9s %8s %8s %10s %10s %10s %5s %13s %10s %8s%n", "window", "events", "s",
                "trainer", "refresh", "new", "re-emb", "fresh p50", "fresh p99", "visib p99", "unemb", "versions",
                "ver->compl", "stored");
        out.printf("%6s %15s %7s %9s %9s %8s %8s %10s %10s %10s %5s %13s %10s %8s%n", "", "", "", "img/s",
                "items/s", "items/s", "items/s", "ms", "ms", "ms", "", "pub/prom/cmpl", "max ms", "items");
        for (Window w : r.windows()) {
            out.printf(Locale.ROOT, "%6d %15s %7.1f %9.1f %9.1f %8.1f %8.1f %10s %10s %10s %5d %13s %10s %8d%n",
                    w.index(), w.fromEvent() + "-" + (w.toEvent() - 1), w.seconds(), w.trainerImagesPerSecond(),
                    w.embeddingsPerSecond(), w.newItemsPerSecond(), w.reembeddedPerSecond(),
                    millis(w.freshnessP50Millis()), millis(w.freshnessP99Millis()), millis(w.visibleP99Millis()),
                    w.unembedded(), w.versionsPublished() + "/" + w.versionsPromoted() + "/" + w.versionsComplete(),
                    w.versionCompleteMaxMillis() < 0 ? "-" : Long.toString(w.versionCompleteMaxMillis()),
                    w.itemsEmbedded());
        }
        out.println(r.verdict().line());
        out.flush();
    }

    private static String millis(long v) {
        return v == Percentile.NEVER ? "never" : v < 0 ? "-" : Long.toString(v);
    }

    /** The 1-minute load average of this machine, from /proc/loadavg; "n/a" where it cannot be read. */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }
}
