package io.streamsynth.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.streamsynth.model.checkpoint.Checkpoint;
import io.streamsynth.model.checkpoint.CheckpointCodec;
import io.streamsynth.model.checkpoint.CheckpointMetadata;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.train.EmbeddingModel;
import io.streamsynth.model.train.ModelCheckpoints;
import io.streamsynth.model.train.TrainingConfig;
import io.streamsynth.model.train.TrainingStep;
import io.streamsynth.operators.kafka.CheckpointChunkSerializer;
import io.streamsynth.operators.kafka.CheckpointChunker;
import io.streamsynth.operators.types.CheckpointChunk;
import io.streamsynth.operators.types.ModelRelease;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the quickstart's progress line reads, from a real in-JVM broker. */
class PipelineWatcherTest {
    private static EmbeddedKafka kafka;
    private static Checkpoint base;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start(Map.of("transaction.state.log.num.partitions", "1",
                "offsets.topic.num.partitions", "1"));
        TrainingConfig config = TrainingConfig.defaults();
        try (EmbeddingModel model = new EmbeddingModel(new Architecture(Architecture.Kind.CNN, 1, 16, 16, 16, 8),
                Device.cpu(), 3); TrainingStep step = new TrainingStep(model, config)) {
            base = ModelCheckpoints.snapshot(step, config, "fashion", 1, Map.of("r_at_1", 0.5));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        kafka.close();
    }

    private static Topics newTopics() throws Exception {
        String run = UUID.randomUUID().toString();
        Topics topics = new Topics("images-" + run, "checkpoints-" + run, "embeddings-" + run, "dead-" + run);
        kafka.createTopics(List.of(new NewTopic(topics.images(), 2, (short) 1),
                new NewTopic(topics.checkpoints(), 1, (short) 1), new NewTopic(topics.embeddings(), 1, (short) 1),
                new NewTopic(topics.deadLetters(), 1, (short) 1)));
        return topics;
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    /** The base checkpoint's weights published as a catalog's version, in chunks as the job does. */
    private static void publish(KafkaProducer<byte[], byte[]> producer, String topic, String catalog, long version) {
        CheckpointMetadata m = base.metadata();
        Checkpoint c = Checkpoint.of(new CheckpointMetadata(m.formatVersion(), catalog, version, version * 10,
                m.createdAtMillis(), m.architecture(), m.hyperParameters(), m.evaluation(), null, m.lineage(),
                m.preprocessing(), m.promotion()), base.weights(), base.optimizerState());
        CheckpointChunkSerializer serializer = new CheckpointChunkSerializer(topic);
        for (CheckpointChunk chunk : CheckpointChunker.split(
                new ModelRelease(catalog, version, 0, 0, 0, CheckpointCodec.encode(c)), 4096)) {
            producer.send(serializer.serialize(chunk, null, null));
        }
    }

    @Test
    void countsEveryProducersEventsInTheImagesTopic() throws Exception {
        Topics topics = newTopics();
        try (KafkaProducer<byte[], byte[]> ours = producer(); KafkaProducer<byte[], byte[]> outside = producer();
                PipelineWatcher watcher = new PipelineWatcher(kafka.bootstrapServers(), new Properties(), topics)) {
            assertThat(watcher.recordsIn(topics.images())).isZero();
            for (int i = 0; i < 3; i++) {
                ours.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topics.images(),
                        ("k" + i).getBytes(StandardCharsets.UTF_8), new byte[] {1}));
            }
            for (int i = 0; i < 2; i++) {
                outside.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topics.images(),
                        ("o" + i).getBytes(StandardCharsets.UTF_8), new byte[] {2}));
            }
            ours.flush();
            outside.flush();

            assertThat(watcher.recordsIn(topics.images())).isEqualTo(5);
        }
    }

    @Test
    void keepsTheNewestVersionOfEachCatalogWhateverArrivedLast() throws Exception {
        Topics topics = newTopics();
        try (KafkaProducer<byte[], byte[]> producer = producer();
                PipelineWatcher watcher = new PipelineWatcher(kafka.bootstrapServers(), new Properties(), topics)) {
            publish(producer, topics.checkpoints(), "fashion", 7);
            publish(producer, topics.checkpoints(), "shoes", 1);
            producer.flush();
            long deadline = System.currentTimeMillis() + 30_000;
            while (watcher.checkpoints().size() < 2 && System.currentTimeMillis() < deadline) {
                watcher.poll(Duration.ofMillis(200));
            }

            assertThat(watcher.checkpoints()).hasSize(2);
            assertThat(watcher.newestCheckpoint().orElseThrow().metadata().catalog())
                    .as("the last arrival is another catalog's first version").isEqualTo("shoes");
            var newest = watcher.newestCheckpointByCatalog();
            assertThat(newest.keySet()).containsExactly("fashion", "shoes");
            assertThat(newest.get("fashion").metadata().modelVersion()).isEqualTo(7);
            assertThat(newest.get("shoes").metadata().modelVersion()).isEqualTo(1);
        }
    }
}
