package io.streamsynth.pipeline.index;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The loop that keeps {@link CatalogIndexes} up to date: one consumer, read_committed, without a
 * consumer group (it assigns every partition of the embeddings and markers topics itself and seeks
 * to the positions of the saved {@link IndexState}), so its progress lives only in the index
 * directory. After each poll it applies the records, refreshes the searchers (every 250 ms while a
 * backlog streams in, at once when it has caught up) and switches the catalogs whose next complete
 * version is in; it commits every {@code commitInterval}, right after
 * a switch, and when stopped.
 *
 * <p>Partitions added to either topic while it runs (an operator scaling the embeddings topic with
 * {@code kafka-topics.sh --alter --partitions}) are found within two {@code partitionCheck}
 * intervals: the consumer's metadata is refreshed that often, the feeder compares the partition lists
 * just as often, and reads a new partition from its beginning.
 */
public final class IndexFeeder implements Runnable {
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration REFRESH_INTERVAL = Duration.ofMillis(250);
    /** How often new partitions are looked for, unless the constructor is given another interval. */
    public static final Duration PARTITION_CHECK = Duration.ofSeconds(30);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String embeddingsTopic;
    private final String markersTopic;
    private final CatalogIndexes indexes;
    private final IndexState start;
    private final Duration commitInterval;
    private final Duration progressInterval;
    private final PrintStream log;
    private final Duration partitionCheck;
    private List<TopicPartition> embeddings = List.of();
    private List<TopicPartition> markers = List.of();
    private final AtomicLong embeddingsRead = new AtomicLong();
    private volatile Map<Integer, Long> embeddingsPosition = Map.of();
    private volatile Map<Integer, Long> markersPosition = Map.of();
    private volatile boolean stopping;

    /**
     * @param clientProperties  Kafka client settings (bootstrap servers, security); isolation and
     *                          deserializers are set here
     * @param progressInterval  how often a progress line goes to {@code log}; null for none
     */
    public IndexFeeder(Properties clientProperties, String embeddingsTopic, String markersTopic,
            CatalogIndexes indexes, IndexState start, Duration commitInterval, Duration progressInterval,
            PrintStream log) {
        this(clientProperties, embeddingsTopic, markersTopic, indexes, start, commitInterval, progressInterval, log,
                PARTITION_CHECK);
    }

    /**
     * @param partitionCheck how often to look for partitions added to the topics; the consumer's
     *                       {@code metadata.max.age.ms} is set to it unless the client properties set it
     */
    public IndexFeeder(Properties clientProperties, String embeddingsTopic, String markersTopic,
            CatalogIndexes indexes, IndexState start, Duration commitInterval, Duration progressInterval,
            PrintStream log, Duration partitionCheck) {
        Properties p = new Properties();
        p.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, Long.toString(partitionCheck.toMillis()));
        p.putAll(clientProperties);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(p);
        this.embeddingsTopic = embeddingsTopic;
        this.markersTopic = markersTopic;
        this.indexes = indexes;
        this.start = start;
        this.commitInterval = commitInterval;
        this.progressInterval = progressInterval;
        this.log = log;
        this.partitionCheck = partitionCheck;
    }

    /** Runs until {@link #stop}; commits before it returns. */
    @Override
    public void run() {
        try {
            embeddings = partitions(embeddingsTopic);
            markers = partitions(markersTopic);
            List<TopicPartition> all = new ArrayList<>(embeddings);
            all.addAll(markers);
            consumer.assign(all);
            seek(embeddings, start.embeddings());
            seek(markers, start.markers());
            loop();
        } catch (WakeupException e) {
            if (!stopping) {
                throw e;
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void loop() throws IOException {
        long lastPartitionCheck = System.nanoTime();
        long lastCommit = System.nanoTime();
        long lastRefresh = System.nanoTime();
        long lastProgress = System.nanoTime();
        long readAtLastProgress = 0;
        boolean midBatch = false;
        try {
            while (!stopping) {
                if (System.nanoTime() - lastPartitionCheck >= partitionCheck.toNanos()) {
                    addNewPartitions();
                    lastPartitionCheck = System.nanoTime();
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                midBatch = true;
                Supplier<Map<Integer, Long>> endOffsets = memo(() -> endOffsets(embeddings));
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    if (r.topic().equals(embeddingsTopic)) {
                        indexes.embedding(r.partition(), r.offset(), r.key(), r.value());
                        embeddingsRead.incrementAndGet();
                    } else {
                        indexes.marker(r.value(), endOffsets, System.currentTimeMillis());
                    }
                }
                Map<Integer, Long> position = positions(embeddings);
                Map<Integer, Long> markerPosition = positions(markers);
                long now = System.nanoTime();
                // each refresh writes a small segment: while a backlog streams in, a few per second will do
                boolean refresh = records.isEmpty() || now - lastRefresh >= REFRESH_INTERVAL.toNanos();
                if (refresh) {
                    indexes.refresh();
                    lastRefresh = now;
                }
                List<String> switched = indexes.promote(position, System.currentTimeMillis());
                switched.forEach(log::println);
                if (!switched.isEmpty() || now - lastCommit >= commitInterval.toNanos()) {
                    indexes.commit(position, markerPosition);
                    lastCommit = now;
                }
                if (refresh) {
                    // what queries see: tests and callers wait on this
                    embeddingsPosition = position;
                    markersPosition = markerPosition;
                }
                midBatch = false;
                if (progressInterval != null && now - lastProgress >= progressInterval.toNanos()) {
                    long read = embeddingsRead.get();
                    log.printf("index: %d embeddings records read (%.0f/s); serving %s; building %s; skipped %d%n",
                            read, (read - readAtLastProgress) / ((now - lastProgress) / 1e9), describeServed(),
                            indexes.building(), indexes.malformed());
                    lastProgress = now;
                    readAtLastProgress = read;
                }
            }
        } catch (WakeupException e) {
            if (!stopping) {
                throw e;
            }
        }
        // stopped within a batch, the consumer's position is past records not applied: keep the last commit
        if (!midBatch) {
            indexes.commit(positions(embeddings), positions(markers));
        }
    }

    /**
     * Assigns the partitions the topics gained since the last look, read from their beginning (no
     * state can hold a position in them); the assigned ones keep their positions.
     */
    private void addNewPartitions() {
        List<TopicPartition> nowEmbeddings = partitions(embeddingsTopic);
        List<TopicPartition> nowMarkers = partitions(markersTopic);
        List<TopicPartition> added = new ArrayList<>();
        nowEmbeddings.stream().filter(tp -> !embeddings.contains(tp)).forEach(added::add);
        nowMarkers.stream().filter(tp -> !markers.contains(tp)).forEach(added::add);
        if (added.isEmpty()) {
            return;
        }
        List<TopicPartition> all = new ArrayList<>(consumer.assignment());
        all.addAll(added);
        consumer.assign(all);
        consumer.seekToBeginning(added);
        // a partition is never removed from a topic, so the new lists hold the old ones
        embeddings = nowEmbeddings;
        markers = nowMarkers;
        log.println("index: reading new partitions " + added);
    }

    private String describeServed() {
        StringBuilder sb = new StringBuilder("{");
        indexes.served().forEach((c, vi) -> sb.append(sb.length() == 1 ? "" : ", ").append(c).append(" v")
                .append(vi[0]).append(" (").append(vi[1]).append(" items)"));
        return sb.append('}').toString();
    }

    /** Stops the loop from another thread; {@link #run} commits and returns. */
    public void stop() {
        stopping = true;
        try {
            consumer.wakeup();
        } catch (IllegalStateException alreadyClosed) {
            // the loop has ended (a failure): nothing to wake
        }
    }

    /** The embeddings topic's position that queries see (next offset per partition): every record before it is searchable. */
    public Map<Integer, Long> embeddingsPosition() {
        return embeddingsPosition;
    }

    /** The markers topic's position as of {@link #embeddingsPosition}. */
    public Map<Integer, Long> markersPosition() {
        return markersPosition;
    }

    /** Embeddings records read since this feeder started (tombstones and skipped ones included). */
    public long embeddingsRead() {
        return embeddingsRead.get();
    }

    private void seek(List<TopicPartition> partitions, Map<Integer, Long> saved) {
        for (TopicPartition tp : partitions) {
            Long offset = saved.get(tp.partition());
            if (offset == null) {
                consumer.seekToBeginning(List.of(tp));
            } else {
                consumer.seek(tp, offset);
            }
        }
    }

    private Map<Integer, Long> positions(List<TopicPartition> partitions) {
        Map<Integer, Long> out = new TreeMap<>();
        for (TopicPartition tp : partitions) {
            out.put(tp.partition(), consumer.position(tp, METADATA_TIMEOUT));
        }
        return out;
    }

    private Map<Integer, Long> endOffsets(List<TopicPartition> partitions) {
        Map<Integer, Long> out = new TreeMap<>();
        consumer.endOffsets(partitions, METADATA_TIMEOUT).forEach((tp, o) -> out.put(tp.partition(), o));
        return out;
    }

    private List<TopicPartition> partitions(String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalArgumentException("topic '" + topic + "' does not exist");
        }
        return infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
    }

    private static <T> Supplier<T> memo(Supplier<T> supplier) {
        Map<String, T> cache = new HashMap<>(1);
        return () -> cache.computeIfAbsent("v", k -> supplier.get());
    }
}
