package io.streamsynth.pipeline.cli;

import io.streamsynth.pipeline.kafka.EmbeddedKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Topics on the embedded broker filled and read the plain way, to check the commands against. */
final class TopicFixtures {
    private TopicFixtures() {}

    /**
     * A broker for one test class. One partition for the internal topics: the default 50 of the
     * transaction log take seconds to create on first use.
     */
    static EmbeddedKafka startBroker() throws Exception {
        return EmbeddedKafka.start(Map.of("transaction.state.log.num.partitions", "1",
                "offsets.topic.num.partitions", "1"));
    }

    /** A new topic with a unique name, so tests sharing a broker never see each other's records. */
    static String newTopic(EmbeddedKafka kafka, String prefix, int partitions) throws Exception {
        String name = prefix + "-" + UUID.randomUUID();
        kafka.createTopics(List.of(new NewTopic(name, partitions, (short) 1)));
        return name;
    }

    /** Writes the records in one committed transaction. */
    static void commit(EmbeddedKafka kafka, List<ProducerRecord<byte[], byte[]>> records) {
        inTransaction(kafka, records, true);
    }

    /** Writes the records in a transaction that is then aborted: read_committed readers must never see them. */
    static void abort(EmbeddedKafka kafka, List<ProducerRecord<byte[], byte[]>> records) {
        inTransaction(kafka, records, false);
    }

    private static void inTransaction(EmbeddedKafka kafka, List<ProducerRecord<byte[], byte[]>> records,
            boolean commit) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "fixture-" + UUID.randomUUID());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            producer.initTransactions();
            producer.beginTransaction();
            records.forEach(producer::send);
            if (commit) {
                producer.commitTransaction();
            } else {
                producer.flush();
                producer.abortTransaction();
            }
        }
    }

    /** Every record of the topic, waiting until {@code expected} have arrived or 30 s passed. */
    static List<ConsumerRecord<byte[], byte[]>> readAll(EmbeddedKafka kafka, String topic, int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "fixture-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 30_000;
            while (out.size() < expected && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            // one more short poll, so that extra records would show too
            consumer.poll(Duration.ofMillis(300)).forEach(out::add);
        }
        return out;
    }
}
