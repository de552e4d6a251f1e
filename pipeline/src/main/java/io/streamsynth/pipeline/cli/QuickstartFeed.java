package io.streamsynth.pipeline.cli;

import io.streamsynth.pipeline.kafka.ImageEventProducer;
import io.streamsynth.pipeline.produce.EventPacer;
import io.streamsynth.pipeline.produce.ImageItems;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Sends the quickstart's events into the images topic on a thread of its own, at a steady rate
 * ({@link EventPacer}): first the training events, then the query items (index-only), then a few
 * malformed events for the dead-letter path. Training comes first because the trainer, not the feed,
 * sets the run's length: sent first, the 2,000 default queries held the first step back by 2 s at the
 * default rate, and the final version's pass embeds the queries all the same.
 */
final class QuickstartFeed implements Runnable {
    private final String bootstrapServers;
    private final Properties clientProperties;
    private final String topic;
    private final String catalog;
    private final QuickstartData data;
    private final int badEvents;
    private final EventPacer pacer;
    private final BooleanSupplier stopRequested;
    private final QuickstartTimeBudget budget;
    private final AtomicLong sent = new AtomicLong();
    private volatile boolean sending = true;

    /**
     * @param rate          events per second, at least 1
     * @param stopRequested polled before each event: true ends the feed early
     */
    QuickstartFeed(String bootstrapServers, Properties clientProperties, String topic, String catalog,
            QuickstartData data, int badEvents, int rate, BooleanSupplier stopRequested,
            QuickstartTimeBudget budget) {
        this.bootstrapServers = bootstrapServers;
        this.clientProperties = clientProperties;
        this.topic = topic;
        this.catalog = catalog;
        this.data = data;
        this.badEvents = badEvents;
        this.pacer = new EventPacer(rate);
        this.stopRequested = stopRequested;
        this.budget = budget;
    }

    /** Starts sending on a daemon thread, so that a JVM ending mid-feed does not wait for it. */
    void start() {
        Thread thread = new Thread(this, "quickstart-producer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Query and training events sent so far; malformed ones are not counted. */
    long sent() {
        return sent.get();
    }

    /** Whether the feed is still sending: false once every event is out (or it stopped early). */
    boolean sending() {
        return sending;
    }

    @Override
    public void run() {
        try (ImageEventProducer p = new ImageEventProducer(bootstrapServers, clientProperties, topic)) {
            if (!send(p, data.training().items(), data.training(), true)) {
                return;
            }
            ImageItems queries = data.queries();
            if (!send(p, queries == null ? List.of() : queries.items(), queries, false)) {
                return;
            }
            for (int i = 0; i < badEvents; i++) {
                p.sendRaw("bad-" + i, ("{\"schema_version\":1,\"catalog\":\"" + catalog
                        + "\",\"image\":\"not base64!\"}").getBytes(StandardCharsets.UTF_8));
            }
            p.flush();
            budget.mark(QuickstartTimeBudget.Mark.LAST_EVENT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            sending = false;
        }
    }

    /** Sends {@code items} paced; false when a stop was requested before the last one. */
    private boolean send(ImageEventProducer p, List<ImageItems.Item> items, ImageItems from, boolean train)
            throws InterruptedException {
        for (ImageItems.Item item : items) {
            if (stopRequested.getAsBoolean()) {
                return false;
            }
            pacer.awaitNext();
            p.send(catalog, item.itemId(), from.images(), item.index(), train);
            budget.mark(QuickstartTimeBudget.Mark.FIRST_EVENT);
            sent.incrementAndGet();
        }
        return true;
    }
}
