package io.streamsynth.pipeline.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.model.checkpoint.Checkpoint;
import io.streamsynth.model.data.ImageDecoder;
import io.streamsynth.operators.kafka.ImageEventJson;
import io.streamsynth.operators.types.ItemEmbedding;
import io.streamsynth.pipeline.kafka.EmbeddedKafka;
import io.streamsynth.pipeline.kafka.ImageEventProducer;
import io.streamsynth.pipeline.kafka.PipelineWatcher;
import io.streamsynth.pipeline.kafka.TopicSetup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new catalog is served from its first event (issue 10 part 5): with fewer labelled events than one
 * P x K batch needs, and some embed-only ones, every item gets an embedding at version 0, the
 * initial model, and no other version appears. Real broker, MiniCluster, RocksDB.
 */
class ColdStartIT {
    /** P x K = 4 x 4 in {@link GeneratedCatalog#config}: 3 classes of 3 labelled items can never make a batch. */
    private static final int CLASSES = 3;
    private static final int LABELLED = 9;
    private static final int EMBED_ONLY = 4;

    @TempDir
    Path dir;

    @Test
    @Timeout(240)
    void aCatalogWithTooFewLabelledEventsForABatchIsEmbeddedAtVersionZeroAtOnce() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            JobConfig config = GeneratedCatalog.config(kafka.bootstrapServers(), "cold");
            kafka.createTopics(TopicSetup.topics(config.topics(), 1));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(
                    FlinkEnvironments.stateConfig(dir.resolve("checkpoints")));
            env.setParallelism(1);
            StreamsynthJob.build(env, config);
            LocalJobRunner job = LocalJobRunner.start(env, "cold-start");
            try (ImageEventProducer producer = new ImageEventProducer(kafka.bootstrapServers(), new Properties(),
                    config.topics().images());
                    PipelineWatcher watcher = new PipelineWatcher(kafka.bootstrapServers(), new Properties(),
                            config.topics())) {
                long sentAt = System.currentTimeMillis();
                GeneratedCatalog.send(producer, 0, LABELLED, CLASSES);
                for (int i = LABELLED; i < LABELLED + EMBED_ONLY; i++) {
                    byte[] png = ImageDecoder.encodePng(1, GeneratedCatalog.SIZE, GeneratedCatalog.SIZE,
                            GeneratedCatalog.pixels(i % CLASSES, i));
                    String id = GeneratedCatalog.itemId(i);
                    producer.sendEvent(GeneratedCatalog.CATALOG, id, ImageEventJson.encode(id, GeneratedCatalog.CATALOG,
                            id, null, png, System.currentTimeMillis(), false));
                }
                producer.flush();

                int items = LABELLED + EMBED_ONLY;
                long deadline = System.currentTimeMillis() + 120_000;
                while (watcher.newestEmbeddings().size() < items && System.currentTimeMillis() < deadline) {
                    watcher.poll(Duration.ofMillis(200));
                }
                long embeddedAfter = System.currentTimeMillis() - sentAt;
                // a few publish intervals (2 s) and checkpoints (1 s) more: no trained version may follow
                long quietUntil = System.currentTimeMillis() + 8_000;
                while (System.currentTimeMillis() < quietUntil) {
                    watcher.poll(Duration.ofMillis(200));
                }
                System.out.printf("cold start: %d items embedded at version 0 within %d ms of the first event%n",
                        watcher.newestEmbeddings().size(), embeddedAfter);

                assertThat(watcher.newestEmbeddings()).as("every item, labelled or embed-only").hasSize(items);
                assertThat(watcher.newestEmbeddings().values()).allSatisfy(e -> {
                    assertThat(e.modelVersion).isZero();
                    assertThat(e.vector).hasSize(GeneratedCatalog.ARCHITECTURE.embeddingSize());
                });
                assertThat(watcher.newestEmbeddings().values()).filteredOn(e -> e.label == null)
                        .extracting((ItemEmbedding e) -> e.itemId).hasSize(EMBED_ONLY);
                assertThat(watcher.embeddings()).as("each item once").isEqualTo(items);
                assertThat(watcher.checkpoints()).as("version 0 and nothing trained").hasSize(1);
                Checkpoint first = watcher.checkpoints().get(0);
                assertThat(first.metadata().modelVersion()).isZero();
                assertThat(first.metadata().step()).isZero();
                assertThat(first.metadata().promotion()).containsEntry("promoted", true)
                        .containsEntry("reason", "cold_start").containsEntry("serving_version", 0);
                assertThat(watcher.deadLetters()).isZero();
            } finally {
                job.close();
            }
        }
    }
}
