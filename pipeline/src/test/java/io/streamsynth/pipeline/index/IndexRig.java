package io.streamsynth.pipeline.index;

import io.streamsynth.operators.kafka.EmbeddingJson;
import io.streamsynth.operators.types.ItemEmbedding;
import io.streamsynth.operators.types.ItemKey;
import io.streamsynth.pipeline.kafka.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * An embeddings topic (2 partitions) and a markers topic on an in-JVM broker, written the way the
 * job writes them (transactional producer; markers as the shared contract describes them), and an
 * index service over them.
 */
final class IndexRig {
    final EmbeddedKafka kafka;
    final String embeddings;
    final String markers;

    IndexRig(EmbeddedKafka kafka) throws Exception {
        this.kafka = kafka;
        this.embeddings = "embeddings-" + UUID.randomUUID();
        this.markers = "embedding-versions-" + UUID.randomUUID();
        kafka.createTopics(List.of(new NewTopic(embeddings, 2, (short) 1), new NewTopic(markers, 1, (short) 1)));
    }

    static EmbeddedKafka broker() throws Exception {
        return EmbeddedKafka.start(Map.of());
    }

    ProducerRecord<byte[], byte[]> embedding(String catalog, String item, String label, long version, long revision,
            float... vector) {
        return new ProducerRecord<>(embeddings, ItemKey.encode(catalog, item),
                EmbeddingJson.encode(new ItemEmbedding(catalog, item, label, version, revision, vector)));
    }

    ProducerRecord<byte[], byte[]> tombstone(String catalog, String item) {
        return new ProducerRecord<>(embeddings, ItemKey.encode(catalog, item), null);
    }

    ProducerRecord<byte[], byte[]> marker(String catalog, long version, String status, long items) {
        String json = "{\"schema_version\":1,\"catalog\":\"" + catalog + "\",\"model_version\":" + version
                + ",\"status\":\"" + status + "\",\"items\":" + items + ",\"time_millis\":1767225600000,"
                + "\"checkpoint_sha256\":\"" + "ab".repeat(32) + "\",\"weights_sha256\":\"" + "cd".repeat(32) + "\"}";
        return new ProducerRecord<>(markers, catalog.getBytes(StandardCharsets.UTF_8),
                json.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes the records in one committed transaction, as the job's transactional sinks do. */
    @SafeVarargs
    final void commit(ProducerRecord<byte[], byte[]>... records) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "index-rig-" + UUID.randomUUID());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            producer.initTransactions();
            producer.beginTransaction();
            for (ProducerRecord<byte[], byte[]> r : records) {
                producer.send(r);
            }
            producer.commitTransaction();
        }
    }

    IndexService start(Path dir, Duration grace, boolean http) throws Exception {
        return start(dir, grace, http, IndexFeeder.PARTITION_CHECK);
    }

    IndexService start(Path dir, Duration grace, boolean http, Duration partitionCheck) throws Exception {
        Properties client = new Properties();
        client.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        return IndexService.start(new IndexService.Settings(new IndexLayout(dir), client, embeddings, markers,
                Duration.ofMillis(200), grace, null,
                http ? new java.net.InetSocketAddress("localhost", 0) : null, 100, partitionCheck), System.err);
    }

    /** Waits until the service has applied every committed record of both topics. */
    void awaitCaughtUp(IndexService service) throws InterruptedException {
        Map<Integer, Long> emb = endOffsets(embeddings);
        Map<Integer, Long> mark = endOffsets(markers);
        await("the index to read to the end offsets " + emb + " / " + mark, () -> {
            IndexFeeder f = service.feeder();
            return reached(f.embeddingsPosition(), emb) && reached(f.markersPosition(), mark);
        });
    }

    private static boolean reached(Map<Integer, Long> position, Map<Integer, Long> end) {
        return end.entrySet().stream().allMatch(e -> position.getOrDefault(e.getKey(), -1L) >= e.getValue());
    }

    Map<Integer, Long> endOffsets(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> tps = new ArrayList<>();
            c.partitionsFor(topic).forEach(i -> tps.add(new TopicPartition(topic, i.partition())));
            Map<Integer, Long> out = new java.util.TreeMap<>();
            c.endOffsets(tps).forEach((tp, o) -> out.put(tp.partition(), o));
            return out;
        }
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}
