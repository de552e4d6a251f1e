package io.streamsynth.bench.cli;

import io.streamsynth.bench.growing.AugmentedCopies;
import io.streamsynth.model.data.ImageDecoder;
import io.streamsynth.model.data.ImageSet;
import io.streamsynth.operators.kafka.ImageEventJson;
import io.streamsynth.pipeline.kafka.ImageEventProducer;
import io.streamsynth.pipeline.produce.EventPacer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends a growing run's events on a thread of its own: event {@code i} is a new training item
 * {@code <prefix><i>} of one catalog, the pool image {@code order[i % pool]} as copy
 * {@code i / pool} ({@link AugmentedCopies}). Either at a fixed rate, or, with rate 0, as fast as the
 * job takes them: never more than {@code backlog} events ahead of what the job's source has
 * committed, so events wait in Kafka for about a backlog's worth of the job's own pace, not for a
 * queue that grows all run long.
 */
final class GrowingFeed implements Runnable {
    /** Reads how many events the job has taken so far. */
    interface Progress {
        long consumed() throws Exception;
    }

    private final String bootstrapServers;
    private final Properties clientProperties;
    private final String topic;
    private final String catalog;
    private final String itemPrefix;
    private final ImageSet pool;
    private final int[] order;
    private final long seed;
    private final EventPacer pacer;
    private final int backlog;
    private final Progress progress;
    private final long deadlineNanos;
    private final long[] sentMillis;
    private final AtomicInteger sent = new AtomicInteger();
    private final Thread thread;
    private volatile boolean stopping;
    private volatile Exception failure;

    /**
     * @param order   pool indices in sending order, cycled
     * @param events  how many to send
     * @param rate    events per second, 0 for "as fast as the job takes"
     * @param backlog with rate 0, the most events sent and not yet committed by the job's source
     * @param maxSending    stop sending after this long, fewer events than asked; null for no limit
     */
    GrowingFeed(String bootstrapServers, Properties clientProperties, String topic, String catalog, String itemPrefix,
            ImageSet pool, int[] order, int events, long seed, double rate, int backlog, Progress progress,
            Duration maxSending) {
        this.bootstrapServers = bootstrapServers;
        this.clientProperties = clientProperties;
        this.topic = topic;
        this.catalog = catalog;
        this.itemPrefix = itemPrefix;
        this.pool = pool;
        this.order = order;
        this.seed = seed;
        this.pacer = new EventPacer(rate);
        this.backlog = rate > 0 ? Integer.MAX_VALUE : backlog;
        this.progress = progress;
        this.deadlineNanos = maxSending == null ? Long.MAX_VALUE : System.nanoTime() + maxSending.toNanos();
        this.sentMillis = new long[events];
        this.thread = new Thread(this, "bench-growing-feed");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Events sent so far. */
    int sent() {
        return sent.get();
    }

    /** False once every event is out, or the feed failed or was stopped. */
    boolean sending() {
        return thread.isAlive();
    }

    /**
     * Per event sent, when it was handed to the producer (the record's CreateTime); read once sending is
     * over. Shorter than asked when the time limit stopped the feed.
     */
    long[] sentMillis() {
        return Arrays.copyOf(sentMillis, sent.get());
    }


    /** What stopped the feed early, or null. */
    Exception failure() {
        return failure;
    }

    void stop() throws InterruptedException {
        stopping = true;
        thread.join(30_000);
    }

    @Override
    public void run() {
        try (ImageEventProducer producer = new ImageEventProducer(bootstrapServers, clientProperties, topic)) {
            long committed = 0;
            for (int i = 0; i < sentMillis.length && !stopping && System.nanoTime() < deadlineNanos; i++) {
                while (i - committed >= backlog && !stopping) {
                    Thread.sleep(200);
                    committed = progress.consumed();
                }
                pacer.awaitNext();
                int image = order[i % order.length];
                byte[] pixels = AugmentedCopies.copy(pool.imageBytes(image), pool.channels(), pool.height(),
                        pool.width(), i / order.length, seed);
                byte[] png = ImageDecoder.encodePng(pool.channels(), pool.height(), pool.width(), pixels);
                String itemId = itemPrefix + i;
                long now = System.currentTimeMillis();
                producer.sendEvent(catalog, itemId, ImageEventJson.encode(itemId, catalog, itemId,
                        Integer.toString(pool.label(image)), png, now, true));
                sentMillis[i] = now;
                sent.incrementAndGet();
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failure = e;
        }
    }
}
