package io.streamsynth.pipeline.job;

import io.streamsynth.pipeline.kafka.Topics;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.model.data.ImageDecoder;
import io.streamsynth.operators.kafka.ImageEventJson;
import io.streamsynth.operators.types.VersionMarker;
import io.streamsynth.pipeline.kafka.EmbeddedKafka;
import io.streamsynth.pipeline.kafka.ImageEventProducer;
import io.streamsynth.pipeline.kafka.PipelineWatcher;
import io.streamsynth.pipeline.kafka.TopicSetup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Version markers end to end (real broker, MiniCluster, RocksDB, parallelism 2), through the two
 * ways the embedder's subtasks and key groups change under a running pass: a TaskManager lost, and
 * a stop with a savepoint restarted at parallelism 1. A read_committed reader must see one marker
 * per version that reached the embedder, complete or superseded, never two; the newest complete,
 * counting exactly the live items, whose last record is at its version.
 *
 * <p>The catalog holds many embed-only items ({@code "train": false}: stored and re-embedded at
 * every version, never trained on) and the embedder runs passes two items a slice, so that a pass
 * lasts long enough for faults to fall inside it while training stays small.
 */
class VersionMarkersIT {
    private static final int CLASSES = 5;
    private static final int TRAINED = 160;
    private static final int EMBED_ONLY = 1200;
    /** Stops with a savepoint tried before the rescale test gives up on landing one inside a pass. */
    private static final int MID_PASS_TRIES = 3;

    @TempDir
    Path dir;

    private static JobConfig config(String bootstrapServers, String prefix) {
        JobConfig c = GeneratedCatalog.config(bootstrapServers, prefix);
        // every trained version reaches the embedder, so passes (and faults inside them) keep coming
        JobConfigBuilder job = c.toBuilder().embedBatchSize(2).embedMaxDelay(Duration.ofMillis(100))
                .embedBatchesPerSlice(1);
        job.catalog().promotionTolerance(1.0).minRefreshInterval(Duration.ZERO);
        return job.build();
    }

    /** Items [from, to) as embed-only events, ids after the trained ones. */
    private static void sendEmbedOnly(ImageEventProducer producer, int from, int to) {
        for (int i = from; i < to; i++) {
            String id = GeneratedCatalog.itemId(i);
            int label = GeneratedCatalog.labelOf(i, CLASSES);
            byte[] png = ImageDecoder.encodePng(1, GeneratedCatalog.SIZE, GeneratedCatalog.SIZE,
                    GeneratedCatalog.pixels(label, i));
            producer.sendEvent(GeneratedCatalog.CATALOG, id, ImageEventJson.encode(id, GeneratedCatalog.CATALOG, id,
                    Integer.toString(label), png, System.currentTimeMillis(), false));
        }
        producer.flush();
    }

    /** The first round: trained items 0..TRAINED/2 and every embed-only item. */
    private static void sendFirstRound(ImageEventProducer producer) {
        sendEmbedOnly(producer, 10_000, 10_000 + EMBED_ONLY);
        GeneratedCatalog.send(producer, 0, TRAINED / 2, CLASSES);
    }

    private static int allItems() {
        return allItems(TRAINED);
    }

    /** Every item sent when the trained ones were items 0 .. trained - 1. */
    private static int allItems(int trained) {
        return trained + EMBED_ONLY;
    }

    private static java.util.List<String> allIds() {
        return allIds(TRAINED);
    }

    private static java.util.List<String> allIds(int trained) {
        java.util.List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < trained; i++) {
            ids.add(GeneratedCatalog.itemId(i));
        }
        for (int i = 10_000; i < 10_000 + EMBED_ONLY; i++) {
            ids.add(GeneratedCatalog.itemId(i));
        }
        return ids;
    }

    @Test
    @Timeout(300)
    void oneMarkerPerVersionWhenATaskManagerIsLostDuringAPass() throws Exception {
        long started = System.currentTimeMillis();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            JobConfig config = config(kafka.bootstrapServers(), "markers-tm");
            kafka.createTopics(TopicSetup.topics(config.topics(), 2));
            Configuration conf = FaultWaits.restartingStateConfig(dir.resolve("checkpoints"), 5);
            try (MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(conf)
                    .setNumTaskManagers(2).setNumSlotsPerTaskManager(1).withRandomPorts().build())) {
                cluster.start();
                StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
                env.setParallelism(2);
                StreamsynthJob.build(env, config);
                LocalJobRunner runner = LocalJobRunner.submit(cluster, env, "markers-tm", Duration.ofSeconds(60));
                JobID job = runner.jobId();
                try (ImageEventProducer producer = new ImageEventProducer(kafka.bootstrapServers(), new Properties(),
                        config.topics().images());
                        PipelineWatcher watcher = new PipelineWatcher(kafka.bootstrapServers(), new Properties(),
                                config.topics())) {
                    sendFirstRound(producer);
                    long committed = FaultWaits.untilVersionAbove(watcher, 0, Duration.ofSeconds(120));
                    // the second round trains new versions, each re-embedding every stored item two at a time
                    GeneratedCatalog.send(producer, TRAINED / 2, TRAINED, CLASSES);
                    long atLoss = untilUnmarkedVersionAbove(watcher, kafka, config.topics(), committed);
                    cluster.terminateTaskManager(0).get(60, TimeUnit.SECONDS);
                    cluster.startTaskManager();
                    waitUntilRunningAgain(cluster, job, Duration.ofSeconds(120));

                    long newest = Waiting.untilQuietAndEmbedded(watcher, allItems(), Duration.ofSeconds(180));
                    MarkerAudit markers = MarkerAudit.untilComplete(kafka.bootstrapServers(), config.topics(), newest,
                            Duration.ofSeconds(60));
                    PublishedAudit published = PublishedAudit.read(kafka.bootstrapServers(), config.topics());
                    published.assertEveryItemAtTheNewestVersionInOrderOnce(allIds());
                    markers.assertAgreesWith(published);
                    assertThat(markers.marker(atLoss)).as("the version whose pass the loss cut").isPresent();
                    System.err.printf("[figures] VersionMarkersIT TaskManager loss: %d items, lost while v%d was"
                            + " unmarked, then %s, %s, %s, wall %.0f s%n", allItems(), atLoss, markers.marker(atLoss)
                                    .orElseThrow(), published.figures(), markers.figures(),
                            (System.currentTimeMillis() - started) / 1000.0);
                } finally {
                    runner.close();
                }
            }
        }
    }

    @Test
    @Timeout(600)
    void oneMarkerPerVersionAcrossARescaleFromTwoToOneDuringAPass() throws Exception {
        long started = System.currentTimeMillis();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            JobConfig config = config(kafka.bootstrapServers(), "markers-rescale");
            kafka.createTopics(TopicSetup.topics(config.topics(), 2));
            try (ImageEventProducer producer = new ImageEventProducer(kafka.bootstrapServers(), new Properties(),
                    config.topics().images());
                    PipelineWatcher watcher = new PipelineWatcher(kafka.bootstrapServers(), new Properties(),
                            config.topics())) {
                // The savepoint must hold a running pass. A pass over the 1,360 items lasts a few seconds and
                // the stop is asked for as soon as the new version's first embeddings are committed
                // without its marker, so it nearly always lands inside; when the pass won the race
                // (the version is marked in what the stop committed), the same job state resumes at
                // parallelism 2, a new round of trained items makes a new version, and the stop is
                // tried again inside that version's pass, up to MID_PASS_TRIES times.
                String savepoint = null;
                long atStop = -1;
                MarkerAudit beforeRestart = null;
                long newestBeforeRestart = -1;
                boolean midPass = false;
                int trained = TRAINED / 2;
                int tries = 0;
                sendFirstRound(producer);
                while (!midPass && tries < MID_PASS_TRIES) {
                    tries++;
                    LocalJobRunner first = start(config, 2, savepoint);
                    try {
                        // on a retry the version the last stop found marked is the newest so far
                        long committed = tries == 1 ? FaultWaits.untilVersionAbove(watcher, 0, Duration.ofSeconds(120))
                                : newestBeforeRestart;
                        // a new version starts a pass over every stored item: stop while it is unmarked
                        int more = tries == 1 ? TRAINED / 2 : TRAINED / 4;
                        GeneratedCatalog.send(producer, trained, trained + more, CLASSES);
                        trained += more;
                        atStop = untilUnmarkedVersionAbove(watcher, kafka, config.topics(), committed);
                        savepoint = first.stopWithSavepoint(dir.resolve("savepoints"), Duration.ofSeconds(120));
                    } catch (Exception | AssertionError e) {
                        first.close();
                        throw e;
                    }
                    // everything the first job committed, the savepoint's transactions included
                    beforeRestart = MarkerAudit.read(kafka.bootstrapServers(), config.topics());
                    newestBeforeRestart = beforeRestart.newestPublished();
                    midPass = beforeRestart.marker(newestBeforeRestart).isEmpty();
                }
                assertThat(midPass).as("a savepoint taken inside a pass, in %d tries", tries).isTrue();
                int trainedSent = trained;

                LocalJobRunner second = start(config, 1, savepoint);
                try {
                    long newest = Waiting.untilQuietAndEmbedded(watcher, allItems(trainedSent),
                            Duration.ofSeconds(180));
                    MarkerAudit markers = MarkerAudit.untilComplete(kafka.bootstrapServers(), config.topics(),
                            newest, Duration.ofSeconds(60));
                    PublishedAudit published = PublishedAudit.read(kafka.bootstrapServers(), config.topics());
                    published.assertEveryItemAtTheNewestVersionInOrderOnce(allIds(trainedSent));
                    markers.assertAgreesWith(published);
                    for (VersionMarker m : beforeRestart.markers()) {
                        assertThat(markers.marker(m.version)).as("v%d marked before the stop", m.version)
                                .get().usingRecursiveComparison().isEqualTo(m);
                    }
                    assertThat(markers.marker(newestBeforeRestart)).as("the version whose pass the savepoint held")
                            .isPresent();
                    System.err.printf("[figures] VersionMarkersIT rescale 2 -> 1: %d items, stopped after v%d, newest"
                            + " v%d before the restart unmarked (its pass spanned the rescale; stop tries: %d), %s, %s,"
                            + " wall %.0f s%n", allItems(trainedSent), atStop, newestBeforeRestart, tries,
                            published.figures(), markers.figures(), (System.currentTimeMillis() - started) / 1000.0);
                } finally {
                    second.close();
                }
            }
        }
    }

    /**
     * Polls until some item's committed embedding is at a version above {@code version} whose marker
     * is not committed: that version reached the embedder (read from the embeddings, not the
     * checkpoints topic, since only promoted versions do) and its pass is running, or a newer
     * version cut it and that one's is. Returns it.
     */
    private static long untilUnmarkedVersionAbove(PipelineWatcher watcher, EmbeddedKafka kafka, Topics topics,
            long version) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 90_000;
        while (System.currentTimeMillis() < deadline) {
            watcher.poll(Duration.ofMillis(200));
            long newest = watcher.newestEmbeddings().values().stream().mapToLong(e -> e.modelVersion).max()
                    .orElse(-1);
            if (newest > version && MarkerAudit.read(kafka.bootstrapServers(), topics).marker(newest).isEmpty()) {
                return newest;
            }
        }
        throw new AssertionError("no unmarked version above v" + version + " within 90 s; newest v"
                + FaultWaits.newestVersion(watcher));
    }

    private LocalJobRunner start(JobConfig config, int parallelism, String savepoint) throws Exception {
        Configuration conf = FlinkEnvironments.stateConfig(dir.resolve("checkpoints"));
        if (savepoint != null) {
            LocalJobRunner.restoringFrom(conf, savepoint);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(conf);
        env.setParallelism(parallelism);
        StreamsynthJob.build(env, config);
        return LocalJobRunner.start(env, "markers-" + parallelism);
    }

    /** Waits until the job runs again with every task past its first attempt. */
    private static void waitUntilRunningAgain(MiniCluster cluster, JobID job, Duration timeout) throws Exception {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        String last = "";
        while (System.currentTimeMillis() < deadline) {
            AccessExecutionGraph graph = cluster.getExecutionGraph(job).get(30, TimeUnit.SECONDS);
            boolean running = graph.getState() == JobStatus.RUNNING;
            int lowest = Integer.MAX_VALUE;
            for (AccessExecutionVertex v : graph.getAllExecutionVertices()) {
                running &= v.getExecutionState() == ExecutionState.RUNNING;
                lowest = Math.min(lowest, v.getCurrentExecutionAttempt().getAttemptNumber());
            }
            if (running && lowest >= 1) {
                return;
            }
            last = graph.getState() + ", lowest attempt " + lowest;
            Thread.sleep(200);
        }
        throw new AssertionError("job not running again within " + timeout + ": " + last);
    }
}
