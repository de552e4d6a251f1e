package io.streamsynth.bench.cli;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How many records of a topic a job's source has read, from the offsets its consumer group commits
 * (Flink's Kafka source commits them when a checkpoint completes, so the figure trails the source by
 * up to a checkpoint interval).
 */
final class SourceOffsets implements AutoCloseable {
    private final Admin admin;
    private final String groupId;
    private final String topic;

    SourceOffsets(String bootstrapServers, Properties clientProperties, String groupId, String topic) {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        this.admin = Admin.create(p);
        this.groupId = groupId;
        this.topic = topic;
    }

    /**
     * Committed offsets of the topic's partitions, summed; 0 before the first commit.
     *
     * @throws Exception when the broker does not answer within 10 s
     */
    long committed() throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        long sum = 0;
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
            if (e.getKey().topic().equals(topic) && e.getValue() != null) {
                sum += e.getValue().offset();
            }
        }
        return sum;
    }

    @Override
    public void close() {
        admin.close();
    }
}
