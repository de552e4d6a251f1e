package io.streamsynth.pipeline.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.model.checkpoint.Checkpoint;
import io.streamsynth.model.metrics.RetrievalReport;
import io.streamsynth.model.train.EmbeddingModel;
import io.streamsynth.operators.decode.HeldOutSelector;
import io.streamsynth.pipeline.kafka.EmbeddedKafka;
import io.streamsynth.pipeline.kafka.ImageEventProducer;
import io.streamsynth.pipeline.kafka.PipelineWatcher;
import io.streamsynth.pipeline.kafka.TopicSetup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The whole job on a real in-JVM Kafka broker and a Flink MiniCluster with RocksDB state. */
class StreamingJobEndToEndIT {
    private static final int CLASSES = 6;
    private static final int ITEMS = 900;

    @TempDir
    Path dir;

    @Test
    @Timeout(300)
    void trainsPublishesIncreasingVersionsAndEmbedsEveryItemAtTheNewest() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            JobConfig config = GeneratedCatalog.config(kafka.bootstrapServers(), "e2e");
            kafka.createTopics(TopicSetup.topics(config.topics(), 2));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(
                    FlinkEnvironments.stateConfig(dir.resolve("checkpoints")));
            env.setParallelism(1);
            StreamsynthJob.build(env, config);
            LocalJobRunner job = LocalJobRunner.start(env, "e2e");
            try (ImageEventProducer producer = new ImageEventProducer(kafka.bootstrapServers(), new Properties(),
                    config.topics().images());
                    PipelineWatcher watcher = new PipelineWatcher(kafka.bootstrapServers(), new Properties(),
                            config.topics())) {
                GeneratedCatalog.send(producer, 0, ITEMS, CLASSES);
                producer.sendRaw("broken", "{not json".getBytes(StandardCharsets.UTF_8));
                producer.flush();

                long newest = Waiting.untilQuietAndEmbedded(watcher, ITEMS, Duration.ofSeconds(240));

                List<Long> versions = new ArrayList<>();
                watcher.checkpoints().forEach(c -> versions.add(c.metadata().modelVersion()));
                assertThat(versions).as("versions in order from 0 (cold start), no gap, no repeat")
                        .hasSizeGreaterThanOrEqualTo(3);
                for (int i = 0; i < versions.size(); i++) {
                    assertThat(versions.get(i)).isEqualTo((long) i);
                }
                assertThat(watcher.checkpoints().get(0).metadata().promotion()).containsEntry("reason", "cold_start");
                assertThat(watcher.newestEmbeddings()).hasSize(ITEMS);
                assertThat(watcher.newestEmbeddings().values()).allSatisfy(e -> {
                    assertThat(e.modelVersion).isEqualTo(newest);
                    assertThat(e.vector).hasSize(GeneratedCatalog.ARCHITECTURE.embeddingSize());
                });
                assertThat(watcher.outOfOrderEmbeddings()).isZero();
                assertThat(watcher.deadLetters()).isEqualTo(1);
                assertThat(new String(watcher.deadLetterRecords().get(0).value(), StandardCharsets.UTF_8))
                        .isEqualTo("{not json");

                // the served model: the gate promotes none that does worse on the held-out items
                Checkpoint last = watcher.newestPromotedCheckpoint().orElseThrow();
                assertThat(last.metadata().modelVersion()).isEqualTo(newest);
                // With PyTorch's initialisation the untrained CNN already ranks these generated classes
                // nearly perfectly first (held-out Recall@1 about 0.97), so learning shows in MAP@R, which
                // needs every same-class item near the top, not only the nearest one.
                RetrievalReport untrained = untrainedHeldOutReport(config);
                double trainedRecall = last.metadata().evaluation().get("r_at_1");
                double trainedMapAtR = last.metadata().evaluation().get("map_at_r");
                assertThat(trainedRecall).as("held-out Recall@1 of the last model vs the untrained one (%.3f)",
                        untrained.recallAt1()).isGreaterThanOrEqualTo(untrained.recallAt1());
                assertThat(trainedMapAtR).as("held-out MAP@R of the last model vs the untrained one (%.3f)",
                        untrained.mapAtR()).isGreaterThan(untrained.mapAtR() + 0.05);
            } finally {
                job.close();
            }
        }
    }

    /** The initial weights (same seed) on exactly the items the trainer held out. */
    private static RetrievalReport untrainedHeldOutReport(JobConfig config) {
        HeldOutSelector selector = new HeldOutSelector(config.heldOutShare());
        List<Integer> held = new ArrayList<>();
        for (int i = 0; i < ITEMS; i++) {
            if (selector.isHeldOut(GeneratedCatalog.CATALOG, GeneratedCatalog.itemId(i))) {
                held.add(i);
            }
        }
        int per = GeneratedCatalog.SIZE * GeneratedCatalog.SIZE;
        float[] pixels = new float[held.size() * per];
        int[] labels = new int[held.size()];
        for (int n = 0; n < held.size(); n++) {
            int item = held.get(n);
            labels[n] = GeneratedCatalog.labelOf(item, CLASSES);
            byte[] p = GeneratedCatalog.pixels(labels[n], item);
            for (int i = 0; i < per; i++) {
                pixels[n * per + i] = (p[i] & 0xff) / 255f;
            }
        }
        try (EmbeddingModel model = new EmbeddingModel(config.trainer().architecture(),
                config.trainer().device().resolve(), config.trainer().seed())) {
            return RetrievalReport.evaluate(model.embed(pixels, 128), labels, config.trainer().seed());
        }
    }
}
