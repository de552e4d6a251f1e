package io.streamsynth.bench.cli;

import io.streamsynth.operators.types.ItemKey;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the embeddings topic as a read_committed consumer, on a thread of its own, while a growing
 * run goes on, and keeps only times: for every item {@code <prefix><i>} of one catalog, the
 * CreateTime of its first record (stamped by the job's Kafka sink when the embedder emitted it) and
 * when this consumer first saw it; and the CreateTime of every record of the catalog. Values are
 * never copied out of the fetch buffers, so watching a few million vectors costs little CPU beside
 * the job it measures.
 */
final class EmbeddingsWatch implements AutoCloseable {
    private final KafkaConsumer<byte[], Void> consumer;
    private final String catalog;
    private final String itemPrefix;
    private final long[] firstWritten;
    private final long[] firstVisible;
    private long[] written = new long[1 << 16];
    private int records;
    private final AtomicInteger itemsEmbedded = new AtomicInteger();
    private final Thread thread;
    private volatile boolean stopping;
    private volatile RuntimeException failure;
    private boolean closed;

    /**
     * @param items items {@code <itemPrefix>0} to {@code <itemPrefix>(items-1)} are tracked
     */
    EmbeddingsWatch(String bootstrapServers, Properties clientProperties, String topic, String catalog,
            String itemPrefix, int items) {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-embeddings-watch-" + UUID.randomUUID());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new SkipValue());
        consumer.subscribe(List.of(topic));
        this.catalog = catalog;
        this.itemPrefix = itemPrefix;
        firstWritten = new long[items];
        firstVisible = new long[items];
        Arrays.fill(firstWritten, -1);
        Arrays.fill(firstVisible, -1);
        thread = new Thread(this::run, "bench-embeddings-watch");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Items with at least one embedding seen so far. */
    int itemsEmbedded() {
        return itemsEmbedded.get();
    }

    private void run() {
        try {
            while (!stopping) {
                for (ConsumerRecord<byte[], Void> r : consumer.poll(Duration.ofMillis(200))) {
                    accept(r.key(), r.timestamp(), System.currentTimeMillis());
                }
            }
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            consumer.close();
        }
    }

    private void accept(byte[] key, long createTime, long now) {
        Optional<ItemKey> k = key == null ? Optional.empty() : ItemKey.decode(key);
        if (k.isEmpty() || !k.get().catalog().equals(catalog)) {
            return;
        }
        if (records == written.length) {
            written = Arrays.copyOf(written, 2 * records);
        }
        written[records++] = createTime;
        int i = index(k.get().itemId());
        if (i >= 0 && firstWritten[i] < 0) {
            firstWritten[i] = createTime;
            firstVisible[i] = now;
            itemsEmbedded.incrementAndGet();
        }
    }

    private int index(String itemId) {
        if (!itemId.startsWith(itemPrefix)) {
            return -1;
        }
        try {
            int i = Integer.parseInt(itemId.substring(itemPrefix.length()));
            return i >= 0 && i < firstWritten.length ? i : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Stops reading; what was read stays readable. Throws what stopped the reader early, if anything did, the first
     * time only: closing again does nothing.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopping = true;
        if (thread.getState() == Thread.State.NEW) {
            // never started: the reader thread, which closes the consumer when it ends, will not run
            consumer.close();
            return;
        }
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw new IllegalStateException("reading the embeddings topic failed", failure);
        }
    }

    /** Per item, the CreateTime of its first embedding record; -1 for none. Read after {@link #close}. */
    long[] firstWritten() {
        return firstWritten;
    }

    /** Per item, when this consumer first saw an embedding of it; -1 for none. Read after {@link #close}. */
    long[] firstVisible() {
        return firstVisible;
    }

    /** The CreateTime of every record of the catalog read. Read after {@link #close}. */
    long[] written() {
        return Arrays.copyOf(written, records);
    }

    /** Values are not needed: skip them without the copy the default ByteBuffer path makes. */
    private static final class SkipValue implements Deserializer<Void> {
        @Override
        public Void deserialize(String topic, byte[] data) {
            return null;
        }

        @Override
        public Void deserialize(String topic, Headers headers, ByteBuffer data) {
            return null;
        }
    }
}
