package io.streamsynth.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class GroupCommittedOffsetsTest {

    @Test
    void sumsTheGroupsCommittedOffsetsOverTheTopicsPartitionsOnly() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(List.of(new NewTopic("images", 2, (short) 1), new NewTopic("other", 1, (short) 1)));
            Properties pp = new Properties();
            pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(pp, new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                for (int i = 0; i < 5; i++) {
                    p.send(new ProducerRecord<>("images", i % 2, null, new byte[] {(byte) i})).get();
                }
                p.send(new ProducerRecord<>("other", 0, null, new byte[] {9})).get();
            }
            try (GroupCommittedOffsets progress = new GroupCommittedOffsets(kafka.bootstrapServers(),
                    new Properties(), "job", "images")) {
                assertThat(progress.committed()).as("no commit yet").isZero();

                Properties cp = new Properties();
                cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
                cp.put(ConsumerConfig.GROUP_ID_CONFIG, "job");
                try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(cp, new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
                    // as Flink's source does at a checkpoint: offsets committed without a group subscription
                    c.assign(List.of(new TopicPartition("images", 0), new TopicPartition("images", 1),
                            new TopicPartition("other", 0)));
                    c.commitSync(Map.of(new TopicPartition("images", 0), new OffsetAndMetadata(3),
                            new TopicPartition("images", 1), new OffsetAndMetadata(1),
                            new TopicPartition("other", 0), new OffsetAndMetadata(1)), Duration.ofSeconds(30));
                }

                assertThat(progress.committed()).isEqualTo(4);
            }
        }
    }
}
