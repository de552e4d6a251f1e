package io.streamsynth.pipeline.kafka;

import io.streamsynth.model.offline.ProgressLine;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads one topic from its beginning, as a downstream consumer would see it (read_committed), until
 * it has caught up: every partition is at the end offsets taken at the start, and then nothing new
 * arrived for {@code idle}. The end offsets of a read_committed consumer stop before any open
 * transaction, so a running job's unfinished output is neither read nor waited for.
 *
 * <p>No consumer group: it assigns the partitions itself and commits nothing, so reading never
 * disturbs anyone else's offsets.
 */
public final class CommittedTopicReader implements AutoCloseable {
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;

    public CommittedTopicReader(String bootstrapServers, Properties clientProperties, String topic) {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(p);
        this.topic = topic;
    }

    /**
     * Hands every committed record to {@code sink}, in partition order, and returns how many there were.
     *
     * @param progress where the progress line goes, or null for none
     * @throws IllegalArgumentException when the topic does not exist
     */
    public long readAll(Duration idle, PrintStream progress, Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        List<TopicPartition> partitions = partitions();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> start = consumer.beginningOffsets(partitions, METADATA_TIMEOUT);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, METADATA_TIMEOUT);
        long total = 0;
        for (TopicPartition tp : partitions) {
            total += end.get(tp) - start.get(tp);
        }
        ProgressLine line = progress == null ? null
                : new ProgressLine(progress, "reading " + topic, total, Duration.ofSeconds(2));
        Duration pollTimeout = idle.compareTo(Duration.ofMillis(500)) < 0 ? idle : Duration.ofMillis(500);
        long read = 0;
        boolean caughtUp = false;
        long quietSince = System.nanoTime();
        while (true) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(pollTimeout);
            for (ConsumerRecord<byte[], byte[]> r : records) {
                sink.accept(r);
                read++;
            }
            long now = System.nanoTime();
            if (!records.isEmpty()) {
                quietSince = now;
            }
            if (!caughtUp) {
                long position = 0;
                for (TopicPartition tp : partitions) {
                    position += Math.min(consumer.position(tp), end.get(tp)) - start.get(tp);
                }
                caughtUp = position >= total;
                if (line != null) {
                    // called once at the end too, so the last line says 100%
                    line.update(position, "");
                }
                if (caughtUp) {
                    quietSince = now;
                }
            } else if (now - quietSince >= idle.toNanos()) {
                return read;
            }
        }
    }

    /**
     * Hands the records at these offsets to {@code sink}, reading each partition only from its first
     * offset to its last: a second look at records found by {@link #readAll}, without the topic's
     * other history.
     *
     * @param offsets per partition, the offsets wanted
     * @throws IllegalStateException when a partition makes no progress for the metadata timeout
     */
    public void readOffsets(Map<Integer, ? extends SortedSet<Long>> offsets,
            Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        Map<TopicPartition, Long> last = new HashMap<>();
        for (Map.Entry<Integer, ? extends SortedSet<Long>> e : offsets.entrySet()) {
            if (!e.getValue().isEmpty()) {
                last.put(new TopicPartition(topic, e.getKey()), e.getValue().last());
            }
        }
        consumer.assign(last.keySet());
        for (TopicPartition tp : last.keySet()) {
            consumer.seek(tp, offsets.get(tp.partition()).first());
        }
        Set<TopicPartition> open = new HashSet<>(last.keySet());
        long progressAt = System.nanoTime();
        while (!open.isEmpty()) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
            for (ConsumerRecord<byte[], byte[]> r : records) {
                SortedSet<Long> wanted = offsets.get(r.partition());
                if (wanted != null && wanted.contains(r.offset())) {
                    sink.accept(r);
                }
            }
            if (!records.isEmpty()) {
                progressAt = System.nanoTime();
            }
            for (TopicPartition tp : List.copyOf(open)) {
                if (consumer.position(tp) > last.get(tp)) {
                    open.remove(tp);
                    consumer.pause(List.of(tp));
                }
            }
            if (System.nanoTime() - progressAt > METADATA_TIMEOUT.toNanos()) {
                throw new IllegalStateException("topic '" + topic + "' stopped short of offsets read a moment ago "
                        + "in partitions " + open);
            }
        }
    }

    private List<TopicPartition> partitions() {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalArgumentException("topic '" + topic + "' does not exist");
        }
        return infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
