package io.streamsynth.pipeline.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.model.data.ImageDecoder;
import io.streamsynth.operators.decode.EventKeys;
import io.streamsynth.operators.kafka.DeadLetterSerializer;
import io.streamsynth.operators.kafka.ImageEventJson;
import io.streamsynth.operators.types.ItemEmbedding;
import io.streamsynth.operators.types.ItemKey;
import io.streamsynth.pipeline.kafka.EmbeddedKafka;
import io.streamsynth.pipeline.kafka.ImageEventProducer;
import io.streamsynth.pipeline.kafka.PipelineWatcher;
import io.streamsynth.pipeline.kafka.TopicSetup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deletes and updates through the whole job (real in-JVM broker, MiniCluster, RocksDB), sent while
 * the first versions train and their re-embedding passes run.
 */
class DeletesAndUpdatesEndToEndIT {
    private static final int CLASSES = 6;
    private static final int ITEMS = 600;
    /** Items 0..59 get a new image (another class), 0..19 a second one. */
    private static final int UPDATED = 60;
    private static final int UPDATED_TWICE = 20;
    /** Items 100..159 are deleted, the first half by tombstone, the rest by a JSON delete event. */
    private static final int DELETED_FROM = 100;
    private static final int DELETED = 60;
    /** Items 200..209 are deleted and then sent again: a new life. */
    private static final int RECREATED_FROM = 200;
    private static final int RECREATED = 10;
    private static final int UNKNOWN_DELETES = 6;

    @TempDir
    Path dir;

    @Test
    @Timeout(420)
    void deletedItemsEndInATombstoneUpdatedItemsInTheirNewestImageAndEveryItemIsAccountedFor() throws Exception {
        JobMetrics metrics = new JobMetrics();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            JobConfig config = GeneratedCatalog.config(kafka.bootstrapServers(), "deletes");
            kafka.createTopics(TopicSetup.topics(config.topics(), 2));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(
                    metrics.addTo(FlinkEnvironments.stateConfig(dir.resolve("checkpoints"))));
            env.setParallelism(1);
            StreamsynthJob.build(env, config);
            LocalJobRunner job = LocalJobRunner.start(env, "deletes-and-updates");
            JobID id = job.jobId();
            try (ImageEventProducer producer = new ImageEventProducer(kafka.bootstrapServers(), new Properties(),
                    config.topics().images());
                    PipelineWatcher watcher = new PipelineWatcher(kafka.bootstrapServers(), new Properties(),
                            config.topics())) {
                GeneratedCatalog.send(producer, 0, ITEMS, CLASSES);
                // the changes arrive while the first versions train and their passes run
                untilFirstVersion(watcher);
                for (int i = 0; i < UPDATED; i++) {
                    sendImage(producer, i, 1);
                }
                for (int i = 0; i < DELETED; i++) {
                    String item = GeneratedCatalog.itemId(DELETED_FROM + i);
                    if (i < DELETED / 2) {
                        producer.sendTombstone(GeneratedCatalog.CATALOG, item);
                    } else {
                        producer.sendEvent(GeneratedCatalog.CATALOG, item, deleteEvent(item));
                    }
                }
                for (int i = 0; i < RECREATED; i++) {
                    producer.sendTombstone(GeneratedCatalog.CATALOG, GeneratedCatalog.itemId(RECREATED_FROM + i));
                }
                for (int i = 0; i < UPDATED_TWICE; i++) {
                    sendImage(producer, i, 2);
                }
                for (int i = 0; i < RECREATED; i++) {
                    sendImage(producer, RECREATED_FROM + i, 0);
                }
                for (int i = 0; i < UNKNOWN_DELETES - 1; i++) {
                    producer.sendTombstone(GeneratedCatalog.CATALOG, "never-sent-" + i);
                }
                producer.sendEvent(GeneratedCatalog.CATALOG, "never-sent", deleteEvent("never-sent"));
                // a delete of a deleted item: nothing more to remove, no second tombstone
                producer.sendTombstone(GeneratedCatalog.CATALOG, GeneratedCatalog.itemId(DELETED_FROM));
                // bad input: a key naming another item, a tombstone keyed by a bare item id, one with no key
                byte[] mismatched = ImageEventJson.encode("mismatch", GeneratedCatalog.CATALOG,
                        GeneratedCatalog.itemId(6), "0", png(0, 6), System.currentTimeMillis(), true);
                producer.sendRaw(ItemKey.encode(GeneratedCatalog.CATALOG, GeneratedCatalog.itemId(5)), mismatched);
                producer.sendRaw(GeneratedCatalog.itemId(7), null);
                producer.sendRaw((byte[]) null, null);
                producer.flush();
                int deadLettered = 3;
                int live = ITEMS - DELETED;

                long newest = Waiting.untilQuietAndEmbedded(watcher, live, Duration.ofSeconds(300));
                long deadline = System.currentTimeMillis() + 60_000;
                while (watcher.deadLetters() < deadLettered && System.currentTimeMillis() < deadline) {
                    watcher.poll(Duration.ofMillis(300));
                }

                PublishedAudit audit = PublishedAudit.read(kafka.bootstrapServers(), config.topics());
                System.out.println("deletes and updates: " + audit.figures());
                audit.assertVersionsHaveNoGapOrRepeat();
                audit.assertOrderingContract();
                assertThat(audit.newestPromotedVersion()).isEqualTo(newest);

                // deleted: the last record is the tombstone, published once
                for (int i = 0; i < DELETED; i++) {
                    List<String> history = audit.history(GeneratedCatalog.itemId(DELETED_FROM + i));
                    assertThat(history).as("records of deleted item %d", DELETED_FROM + i)
                            .endsWith("deleted").containsOnlyOnce("deleted");
                }
                // deleted and sent again: a new life from revision 1, ending at the newest version
                for (int i = 0; i < RECREATED; i++) {
                    List<String> history = audit.history(GeneratedCatalog.itemId(RECREATED_FROM + i));
                    int tombstone = history.indexOf("deleted");
                    assertThat(tombstone).as("tombstone in %s", history).isPositive();
                    assertThat(history.subList(tombstone + 1, history.size())).as("new life in %s", history)
                            .isNotEmpty().allMatch(r -> r.endsWith("#1")).last().isEqualTo(newest + "#1");
                }
                // updated: the newest image wins, at the newest version
                Map<String, ItemEmbedding> newestByItem = watcher.newestEmbeddings();
                assertThat(newestByItem).hasSize(live);
                for (int i = 0; i < UPDATED; i++) {
                    int updates = i < UPDATED_TWICE ? 2 : 1;
                    ItemEmbedding e = newestByItem.get(ItemKey.asString(GeneratedCatalog.CATALOG,
                            GeneratedCatalog.itemId(i)));
                    assertThat(e.label).as("label of updated item %d", i).isEqualTo(Integer.toString(label(i, updates)));
                    assertThat(e.itemRevision).isEqualTo(1 + updates);
                    assertThat(e.modelVersion).isEqualTo(newest);
                }
                assertThat(watcher.outOfOrderEmbeddings()).isZero();

                // counts add up: items in = embedded (live) + deleted + dead-lettered
                assertThat(watcher.deadLetters()).isEqualTo(deadLettered);
                assertThat(watcher.deadLetterRecords()).extracting(DeletesAndUpdatesEndToEndIT::reason)
                        .containsExactlyInAnyOrder(EventKeys.KEY_MISMATCH, EventKeys.INVALID_TOMBSTONE_KEY,
                                EventKeys.TOMBSTONE_WITHOUT_KEY);
                assertThat(audit.liveItems().size() + DELETED + deadLettered).isEqualTo(ITEMS + deadLettered);
                assertThat(audit.tombstones()).isEqualTo(DELETED + RECREATED);
                assertThat(metrics.operator(id, "embedder", "itemsDeleted")).isEqualTo(DELETED + RECREATED);
                assertThat(metrics.operator(id, "embedder", "deletesOfUnknownItems")).isEqualTo(UNKNOWN_DELETES + 1);
                assertThat(metrics.operator(id, "embedder", "itemsReceived"))
                        .isEqualTo(ITEMS + UPDATED + UPDATED_TWICE + RECREATED);
                assertThat(metrics.operator(id, "decode+validate", "deleteEvents"))
                        .isEqualTo(DELETED + RECREATED + UNKNOWN_DELETES + 1);
                assertThat(metrics.operator(id, "decode+validate", "eventsIn")).isEqualTo(producer.sent());
                assertThat(metrics.job(id, "numRestarts")).isZero();
                assertThat(job.client().getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
            } finally {
                job.close();
            }
        }
    }

    /** The label of item i after {@code updates} new images: each moves it one class on. */
    private static int label(int item, int updates) {
        return (GeneratedCatalog.labelOf(item, CLASSES) + updates) % CLASSES;
    }

    private static byte[] png(int label, long seed) {
        return ImageDecoder.encodePng(1, GeneratedCatalog.SIZE, GeneratedCatalog.SIZE,
                GeneratedCatalog.pixels(label, seed));
    }

    private static void sendImage(ImageEventProducer producer, int item, int updates) {
        String id = GeneratedCatalog.itemId(item);
        int label = label(item, updates);
        producer.sendEvent(GeneratedCatalog.CATALOG, id, ImageEventJson.encode(id + "@update-" + updates,
                GeneratedCatalog.CATALOG, id, Integer.toString(label), png(label, 10_000L * updates + item),
                System.currentTimeMillis(), true));
    }

    private static byte[] deleteEvent(String item) {
        return ("{\"schema_version\":1,\"catalog\":\"" + GeneratedCatalog.CATALOG + "\",\"item_id\":\"" + item
                + "\",\"deleted\":true}").getBytes(StandardCharsets.UTF_8);
    }

    private static void untilFirstVersion(PipelineWatcher watcher) {
        long deadline = System.currentTimeMillis() + 120_000;
        while (watcher.checkpoints().isEmpty() && System.currentTimeMillis() < deadline) {
            watcher.poll(Duration.ofMillis(200));
        }
        assertThat(watcher.checkpoints()).as("a first version within two minutes").isNotEmpty();
    }

    private static String reason(ConsumerRecord<byte[], byte[]> r) {
        return new String(r.headers().lastHeader(DeadLetterSerializer.REASON).value(), StandardCharsets.UTF_8);
    }
}
