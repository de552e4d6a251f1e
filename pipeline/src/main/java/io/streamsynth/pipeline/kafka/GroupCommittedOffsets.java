package io.streamsynth.pipeline.kafka;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How far a job's source has read a topic, from the offsets its consumer group commits: Flink's Kafka
 * source commits them when a checkpoint completes, so the figure trails the source by up to a
 * checkpoint interval. The quickstart reads it to tell a job still reading (whose trainer may still
 * train) from one that is done; {@code bench stream-growth} to keep its feed a backlog ahead.
 */
public final class GroupCommittedOffsets implements AutoCloseable {
    private static final long TIMEOUT_SECONDS = 10;

    private final Admin admin;
    private final String groupId;
    private final String topic;

    /**
     * @param clientProperties the job's Kafka client settings (security and the like)
     * @param groupId          the job's consumer group ({@code --group-id})
     * @param topic            the topic the group reads (the images topic)
     */
    public GroupCommittedOffsets(String bootstrapServers, Properties clientProperties, String groupId, String topic) {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        this.admin = Admin.create(p);
        this.groupId = groupId;
        this.topic = topic;
    }

    /**
     * Records of the topic before the group's committed offsets, summed over its partitions (0 before
     * the first commit).
     *
     * @throws Exception when the broker does not answer within 10 s
     */
    public long committed() throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
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
