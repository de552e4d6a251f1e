package io.streamsynth.pipeline.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.model.checkpoint.Checkpoint;
import io.streamsynth.model.data.ImageDecoder;
import io.streamsynth.operators.decode.HeldOutSelector;
import io.streamsynth.operators.kafka.ImageEventJson;
import io.streamsynth.pipeline.kafka.EmbeddedKafka;
import io.streamsynth.pipeline.kafka.ImageEventProducer;
import io.streamsynth.pipeline.kafka.PipelineWatcher;
import io.streamsynth.pipeline.kafka.TopicSetup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Stop with a savepoint at one parallelism and start again at another: keyed state (the trainer's
 * model, the batch builder's class buffers, the embedder's stored items) is redistributed over the
 * new subtasks and training continues from the same model version.
 */
class RescaleFromSavepointIT {
    private static final int CLASSES = 5;
    private static final int FIRST = 400;
    /** New events per class after the restart: fewer than K, so only restored buffers can make a batch. */
    private static final int NEW_PER_CLASS = 2;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "parallelism {0} -> {1}")
    @CsvSource({"1, 2", "2, 1"})
    @Timeout(400)
    void trainingContinuesFromTheSameModelWithBuffersAndItemsPreserved(int before, int after) throws Exception {
        long started = System.currentTimeMillis();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            JobConfig config = GeneratedCatalog.config(kafka.bootstrapServers(), "rescale");
            kafka.createTopics(TopicSetup.topics(config.topics(), 2));
            try (ImageEventProducer producer = new ImageEventProducer(kafka.bootstrapServers(), new Properties(),
                    config.topics().images());
                    PipelineWatcher watcher = new PipelineWatcher(kafka.bootstrapServers(), new Properties(),
                            config.topics())) {
                LocalJobRunner first = start(config, before, null);
                String savepoint;
                try {
                    GeneratedCatalog.send(producer, 0, FIRST, CLASSES);
                    // quiet: every step trained so far is published, so no publication is pending in the savepoint
                    Waiting.untilQuietAndEmbedded(watcher, FIRST, Duration.ofSeconds(180));
                    savepoint = first.stopWithSavepoint(dir.resolve("savepoints"), Duration.ofSeconds(120));
                } catch (Exception | AssertionError e) {
                    first.close();
                    throw e;
                }
                watcher.poll(Duration.ofSeconds(2));
                Checkpoint beforeStop = watcher.newestCheckpoint().orElseThrow();
                int publishedBeforeStop = watcher.checkpoints().size();

                LocalJobRunner second = start(config, after, savepoint);
                try {
                    List<Integer> fresh = trainingItemsAfter(FIRST, config.heldOutShare());
                    for (int item : fresh) {
                        GeneratedCatalog.send(producer, item, item + 1, CLASSES);
                    }
                    // items stored before the stop, now on other subtasks: a new image for one item of
                    // each class (replacing its buffered sample, so no class gains one) and a delete of another
                    for (int item = 0; item < CLASSES; item++) {
                        sendUpdate(producer, item);
                        producer.sendTombstone(GeneratedCatalog.CATALOG, GeneratedCatalog.itemId(CLASSES + item));
                    }
                    producer.flush();
                    long newest = Waiting.untilQuietAndEmbedded(watcher, FIRST + fresh.size() - CLASSES,
                            Duration.ofSeconds(180));

                    List<Checkpoint> all = watcher.checkpoints();
                    assertThat(all).as("a version after the restart").hasSizeGreaterThan(publishedBeforeStop);
                    Checkpoint afterRestart = all.get(publishedBeforeStop);
                    assertThat(afterRestart.metadata().modelVersion()).isEqualTo(beforeStop.metadata().modelVersion() + 1);
                    assertThat(afterRestart.metadata().lineage())
                            .containsEntry("resumed_from_weights_sha256", beforeStop.metadata().weightsSha256());
                    assertThat(((Number) afterRestart.metadata().lineage().get("resumed_at_step")).longValue())
                            .isEqualTo(beforeStop.metadata().step());
                    // a step after the restart needs P classes of K samples: the new events give each class
                    // fewer than K, so the batch builder's restored buffers supplied the rest
                    assertThat(afterRestart.metadata().step()).as("trained after the restart")
                            .isGreaterThan(beforeStop.metadata().step());

                    List<String> ids = new ArrayList<>();
                    for (int i = 0; i < FIRST; i++) {
                        if (i < CLASSES || i >= 2 * CLASSES) {
                            ids.add(GeneratedCatalog.itemId(i));
                        }
                    }
                    fresh.forEach(i -> ids.add(GeneratedCatalog.itemId(i)));
                    PublishedAudit audit = PublishedAudit.read(kafka.bootstrapServers(), config.topics());
                    audit.assertVersionsHaveNoGapOrRepeat();
                    // items stored before the stop are re-embedded by the rescaled embedder at every new version
                    audit.assertEveryItemAtTheNewestVersionInOrderOnce(ids);
                    assertThat(audit.newestPromotedVersion()).isEqualTo(newest);
                    for (int item = 0; item < CLASSES; item++) {
                        // the revision stored before the stop moved with the item: the new image is revision 2
                        assertThat(audit.history(GeneratedCatalog.itemId(item))).as("updated item %d", item)
                                .contains(newest + "#2").last().isEqualTo(newest + "#2");
                        assertThat(audit.history(GeneratedCatalog.itemId(CLASSES + item))).as("deleted item")
                                .endsWith("deleted").containsOnlyOnce("deleted");
                    }
                    System.err.printf("[figures] RescaleFromSavepointIT %d -> %d: stopped at v%d step %d, first"
                            + " version after restart v%d step %d after %d new events, %s, wall %.0f s%n", before,
                            after, beforeStop.metadata().modelVersion(), beforeStop.metadata().step(),
                            afterRestart.metadata().modelVersion(), afterRestart.metadata().step(), fresh.size(),
                            audit.figures(), (System.currentTimeMillis() - started) / 1000.0);
                } finally {
                    second.close();
                }
            }
        }
    }

    /** A new image of a stored item, of its own class. */
    private static void sendUpdate(ImageEventProducer producer, int item) {
        String id = GeneratedCatalog.itemId(item);
        int label = GeneratedCatalog.labelOf(item, CLASSES);
        byte[] png = ImageDecoder.encodePng(1, GeneratedCatalog.SIZE, GeneratedCatalog.SIZE,
                GeneratedCatalog.pixels(label, 7_000L + item));
        producer.sendEvent(GeneratedCatalog.CATALOG, id, ImageEventJson.encode(id + "@update", GeneratedCatalog.CATALOG,
                id, Integer.toString(label), png, System.currentTimeMillis(), true));
    }

    /** The first {@link #NEW_PER_CLASS} items of each class from {@code from} on that are not held out. */
    private static List<Integer> trainingItemsAfter(int from, double heldOutShare) {
        HeldOutSelector selector = new HeldOutSelector(heldOutShare);
        int[] perClass = new int[CLASSES];
        List<Integer> items = new ArrayList<>();
        for (int i = from; items.size() < CLASSES * NEW_PER_CLASS; i++) {
            int label = GeneratedCatalog.labelOf(i, CLASSES);
            if (perClass[label] < NEW_PER_CLASS && !selector.isHeldOut(GeneratedCatalog.CATALOG,
                    GeneratedCatalog.itemId(i))) {
                perClass[label]++;
                items.add(i);
            }
        }
        return items;
    }

    private LocalJobRunner start(JobConfig config, int parallelism, String savepoint) throws Exception {
        Configuration conf = FlinkEnvironments.stateConfig(dir.resolve("checkpoints"));
        if (savepoint != null) {
            LocalJobRunner.restoringFrom(conf, savepoint);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(conf);
        env.setParallelism(parallelism);
        StreamsynthJob.build(env, config);
        return LocalJobRunner.start(env, "rescale-" + parallelism);
    }
}
