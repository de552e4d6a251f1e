package io.streamsynth.pipeline.kafka;

import io.streamsynth.model.checkpoint.Checkpoint;
import io.streamsynth.model.checkpoint.CheckpointCodec;
import io.streamsynth.operators.kafka.AssembledCheckpoint;
import io.streamsynth.operators.kafka.CheckpointAssembler;
import io.streamsynth.operators.kafka.EmbeddingJson;
import io.streamsynth.operators.types.ItemEmbedding;
import io.streamsynth.operators.types.ItemKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads what the job publishes, as a downstream consumer would (read_committed): checkpoints,
 * reassembled from their chunks, embeddings and dead letters. Not thread-safe: one thread polls,
 * the same thread reads the figures.
 */
public final class PipelineWatcher implements AutoCloseable {
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Topics topics;
    private final CheckpointAssembler assembler = new CheckpointAssembler(4);
    private final List<Checkpoint> checkpoints = new ArrayList<>();
    /** The last embedding per item key ({@link ItemKey} text); a tombstone removes the item. */
    private final Map<String, ItemEmbedding> newestByItem = new HashMap<>();
    /** Per item key, the (model_version, item_revision) of its last record in its current life. */
    private final Map<String, long[]> lastOrderByItem = new HashMap<>();
    private long outOfOrder;
    private long embeddings;
    private long tombstones;
    private long deadLetters;
    private final List<ConsumerRecord<byte[], byte[]>> deadLetterRecords = new ArrayList<>();

    /** Every version's embedding of the items whose id starts with {@link #retainedPrefix}: item to version to it. */
    private final Map<String, Map<Long, ItemEmbedding>> retained = new HashMap<>();
    private final String retainedPrefix;

    public PipelineWatcher(String bootstrapServers, Properties clientProperties, Topics topics) {
        this(bootstrapServers, clientProperties, topics, null);
    }

    /**
     * @param retainedPrefix keep every version's embedding of the items whose id starts with this
     *                       (null: only the newest of each item), so a version all of them reached
     *                       can be scored after newer ones arrived for some
     */
    public PipelineWatcher(String bootstrapServers, Properties clientProperties, Topics topics,
            String retainedPrefix) {
        this.retainedPrefix = retainedPrefix;
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "streamsynth-watcher-" + UUID.randomUUID());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(p);
        this.topics = topics;
        consumer.subscribe(List.of(topics.checkpoints(), topics.embeddings(), topics.deadLetters()));
    }

    /** Reads whatever arrived within {@code timeout}. */
    public void poll(Duration timeout) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
            if (r.topic().equals(topics.checkpoints())) {
                Optional<AssembledCheckpoint> done = assembler.accept(r);
                done.ifPresent(a -> checkpoints.add(CheckpointCodec.decode(a.bytes())));
            } else if (r.topic().equals(topics.embeddings())) {
                if (r.value() == null) {
                    // a tombstone: the item was deleted, and a later record starts a new life
                    ItemKey.decode(r.key()).ifPresent(k -> {
                        newestByItem.remove(k.toString());
                        lastOrderByItem.remove(k.toString());
                        retained.remove(k.toString());
                    });
                    tombstones++;
                    continue;
                }
                ItemEmbedding e = EmbeddingJson.decode(r.value());
                String key = ItemKey.asString(e.catalog, e.itemId);
                long[] last = lastOrderByItem.get(key);
                if (last != null && (e.modelVersion < last[0]
                        || e.modelVersion == last[0] && e.itemRevision <= last[1])) {
                    outOfOrder++;
                }
                lastOrderByItem.put(key, new long[] {e.modelVersion, e.itemRevision});
                newestByItem.put(key, e);
                if (retainedPrefix != null && e.itemId.startsWith(retainedPrefix)) {
                    retained.computeIfAbsent(key, k -> new HashMap<>()).put(e.modelVersion, e);
                }
                embeddings++;
            } else {
                deadLetters++;
                deadLetterRecords.add(r);
            }
        }
    }

    /** Every checkpoint received, in arrival order. */
    public List<Checkpoint> checkpoints() {
        return checkpoints;
    }

    public Optional<Checkpoint> newestCheckpoint() {
        return checkpoints.isEmpty() ? Optional.empty() : Optional.of(checkpoints.get(checkpoints.size() - 1));
    }

    /** The highest promoted model version of each catalog (the one it serves), by catalog name. */
    public SortedMap<String, Checkpoint> newestPromotedCheckpointByCatalog() {
        SortedMap<String, Checkpoint> newest = new TreeMap<>();
        for (Checkpoint c : checkpoints) {
            if (c.metadata().promoted()) {
                newest.merge(c.metadata().catalog(), c,
                        (a, b) -> b.metadata().modelVersion() >= a.metadata().modelVersion() ? b : a);
            }
        }
        return newest;
    }

    /** The highest model version received of each catalog, by catalog name in name order. */
    public SortedMap<String, Checkpoint> newestCheckpointByCatalog() {
        SortedMap<String, Checkpoint> newest = new TreeMap<>();
        for (Checkpoint c : checkpoints) {
            newest.merge(c.metadata().catalog(), c,
                    (a, b) -> b.metadata().modelVersion() >= a.metadata().modelVersion() ? b : a);
        }
        return newest;
    }

    /**
     * Records in a topic now, the sum of its partitions' end offsets (the last stable offsets, as
     * this watcher reads committed data): every event any producer wrote there, plus one offset per
     * transaction marker of transactional producers.
     *
     * @throws org.apache.kafka.common.errors.TimeoutException when the broker does not answer within 10 s
     */
    public long recordsIn(String topic) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo p : consumer.partitionsFor(topic, METADATA_TIMEOUT)) {
            partitions.add(new TopicPartition(topic, p.partition()));
        }
        long sum = 0;
        for (long end : consumer.endOffsets(partitions, METADATA_TIMEOUT).values()) {
            sum += end;
        }
        return sum;
    }

    /**
     * The newest checkpoint the promotion gate promoted: the version the embedder serves (every
     * checkpoint from before the gate counts as promoted).
     */
    public Optional<Checkpoint> newestPromotedCheckpoint() {
        for (int i = checkpoints.size() - 1; i >= 0; i--) {
            if (checkpoints.get(i).metadata().promoted()) {
                return Optional.of(checkpoints.get(i));
            }
        }
        return Optional.empty();
    }

    /** Checkpoints received that the gate promoted: each one re-embedded its catalog. */
    public long promotedCheckpoints() {
        return checkpoints.stream().filter(c -> c.metadata().promoted()).count();
    }

    /** The last record of every live item, by {@link ItemKey} text; deleted items are absent. */
    public Map<String, ItemEmbedding> newestEmbeddings() {
        return newestByItem;
    }

    /** Every version's last embedding of each item of the retained prefix, by item key and version. */
    public Map<String, Map<Long, ItemEmbedding>> retainedVersions() {
        return retained;
    }

    /**
     * Records that break the embeddings topic's ordering contract: their (model_version,
     * item_revision) is not above the item's previous record's in its current life (a repeat of an
     * (item, version, revision) among them).
     */
    public long outOfOrderEmbeddings() {
        return outOfOrder;
    }

    /** Tombstones received (deleted items). */
    public long tombstones() {
        return tombstones;
    }

    public long embeddings() {
        return embeddings;
    }

    public long deadLetters() {
        return deadLetters;
    }

    public List<ConsumerRecord<byte[], byte[]>> deadLetterRecords() {
        return deadLetterRecords;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
