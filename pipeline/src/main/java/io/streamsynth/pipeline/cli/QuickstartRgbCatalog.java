package io.streamsynth.pipeline.cli;

import io.streamsynth.model.checkpoint.Checkpoint;
import io.streamsynth.model.metrics.RetrievalReport;
import io.streamsynth.operators.kafka.ImageEventJson;
import io.streamsynth.operators.types.ItemEmbedding;
import io.streamsynth.pipeline.job.JobConfig;
import io.streamsynth.pipeline.kafka.ImageEventProducer;
import io.streamsynth.pipeline.kafka.LabelledImageEvents;
import io.streamsynth.pipeline.kafka.PipelineWatcher;
import io.streamsynth.pipeline.produce.EventPacer;
import io.streamsynth.pipeline.produce.ImageItems;
import io.streamsynth.pipeline.produce.OutgoingImages;
import io.streamsynth.pipeline.shots.ProductShotCatalog;
import io.streamsynth.pipeline.shots.ProductShotRenderer;
import io.streamsynth.pipeline.shots.ShotKind;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The quickstart's second catalog ({@code quickstart --rgb-catalog}, issue 10 part 6): RGB product shots
 * ({@link ProductShotCatalog}) of Fashion-MNIST items, as catalog {@value #CATALOG} with its own settings
 * record on the catalogs topic ({@link #SETTINGS}: 3 channels, S 72 / C 64, a small CNN), streamed beside
 * {@code fashion} on a thread of its own. Its zero-shot line comes from its published embeddings alone: the
 * newest version every query shot reached against version 0, the untrained network (a new catalog is
 * embedded at version 0 from its first event).
 */
final class QuickstartRgbCatalog implements Runnable, AutoCloseable {
    static final String CATALOG = "products";
    /** Query ids apart from fashion's {@code test-}, so that each catalog scores its own query set. */
    static final String QUERY_PREFIX = "shot-test-";
    /** The catalog's settings record (README, "Catalog settings"). */
    static final String SETTINGS = "{\"schema_version\":1,\"catalog\":\"" + CATALOG + "\",\"image_channels\":3,"
            + "\"image_resize\":72,\"image_crop\":64,\"architecture\":\"cnn\",\"embedding_size\":64,"
            + "\"classes_per_batch\":4,\"samples_per_class\":4}";
    /** Shots of 80 to 160 pixels: cheaper to decode than the renderer's default 80-320, as varied in shape. */
    private static final int MIN_SIDE = 80;
    private static final int MAX_SIDE = 160;

    private final String bootstrapServers;
    private final JobConfig config;
    private final ImageItems training;
    private final ImageItems queries;
    private final EventPacer pacer;
    private final BooleanSupplier stopRequested;
    private final ProductShotRenderer renderer;
    private final PipelineWatcher watcher;
    private final AtomicLong sent = new AtomicLong();
    private volatile boolean sending = true;

    /**
     * @param training the training items to render (the first {@code trainingShots} of them)
     * @param queries  the unseen classes' test items (the first {@code queryShots}), or null
     * @param rate     shots per second
     */
    QuickstartRgbCatalog(String bootstrapServers, JobConfig config, ImageItems training, int trainingShots,
            ImageItems queries, int queryShots, double rate, BooleanSupplier stopRequested) {
        this.bootstrapServers = bootstrapServers;
        this.config = config;
        this.training = renamed(training.limit(trainingShots), "shot-");
        this.queries = queries == null ? null : renamed(queries.limit(queryShots), "shot-");
        this.pacer = new EventPacer(rate);
        this.stopRequested = stopRequested;
        this.renderer = new ProductShotRenderer(config.seed(), MIN_SIDE, MAX_SIDE, EnumSet.allOf(ShotKind.class));
        this.watcher = new PipelineWatcher(bootstrapServers, config.kafkaProperties(), config.topics(), QUERY_PREFIX);
    }

    private static ImageItems renamed(ImageItems items, String prefix) {
        List<ImageItems.Item> out = new ArrayList<>(items.size());
        for (ImageItems.Item item : items.items()) {
            out.add(new ImageItems.Item(item.index(), prefix + item.itemId(), item.label()));
        }
        return new ImageItems(items.images(), out);
    }

    int queryCount() {
        return queries == null ? 0 : queries.size();
    }

    /** Writes the catalog's settings record, then starts sending its shots on a daemon thread. */
    void start() {
        try (ImageEventProducer p = new ImageEventProducer(bootstrapServers, config.kafkaProperties(),
                config.topics().catalogs())) {
            p.sendRaw(CATALOG, SETTINGS.getBytes(StandardCharsets.UTF_8));
            p.flush();
        }
        Thread thread = new Thread(this, "quickstart-rgb-producer");
        thread.setDaemon(true);
        thread.start();
    }

    long sent() {
        return sent.get();
    }

    @Override
    public void run() {
        try (ImageEventProducer p = new ImageEventProducer(bootstrapServers, config.kafkaProperties(),
                config.topics().images())) {
            // queries first (fashion now sends its training events first): the embedder holds them at version 0
            if (queries != null && !send(p, ProductShotCatalog.outgoing(queries, renderer), false)) {
                return;
            }
            send(p, ProductShotCatalog.outgoing(training, renderer), true);
            p.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            sending = false;
        }
    }

    private boolean send(ImageEventProducer p, OutgoingImages shots, boolean train)
            throws InterruptedException, IOException {
        for (OutgoingImages.Entry shot : shots.entries()) {
            if (stopRequested.getAsBoolean()) {
                return false;
            }
            pacer.awaitNext();
            long now = System.currentTimeMillis();
            p.sendEvent(CATALOG, shot.itemId(), ImageEventJson.encode(LabelledImageEvents.eventId(shot.itemId(), now),
                    CATALOG, shot.itemId(), shot.label(), shot.bytes().read(), now, train));
            sent.incrementAndGet();
        }
        return true;
    }

    /**
     * Waits until every shot is sent and the catalog's newest promoted version reached every query shot
     * and stayed the newest for a while, or {@code timeout} passed.
     */
    void awaitFinal(Duration timeout, BooleanSupplier stop) {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        long quiet = QuickstartWatch.quietMillis(config);
        long lastVersion = -1;
        long since = System.currentTimeMillis();
        while (System.currentTimeMillis() < deadline && !stop.getAsBoolean()) {
            watcher.poll(Duration.ofMillis(500));
            Checkpoint served = watcher.newestPromotedCheckpointByCatalog().get(CATALOG);
            long version = served == null ? -1 : served.metadata().modelVersion();
            if (version != lastVersion) {
                lastVersion = version;
                since = System.currentTimeMillis();
            }
            VersionCoverage coverage = coverage();
            boolean reached = coverage.newestComplete(queryCount()).orElse(-1) == version;
            if (!sending && version > 0 && reached && System.currentTimeMillis() - since > quiet) {
                return;
            }
        }
    }

    private VersionCoverage coverage() {
        VersionCoverage coverage = new VersionCoverage();
        watcher.retainedVersions().forEach((item, versions) -> {
            if (item.contains("\"" + CATALOG + "\"")) {
                versions.keySet().forEach(v -> coverage.add(item, v));
            }
        });
        return coverage;
    }

    /** The catalog's lines of the summary. */
    void report(PrintStream out) {
        Checkpoint served = watcher.newestPromotedCheckpointByCatalog().get(CATALOG);
        if (served == null) {
            out.printf("catalog %s (RGB product shots): no model published%n", CATALOG);
            return;
        }
        out.printf(Locale.ROOT, "catalog %s (RGB product shots, its own settings record: 3 x %s): version %d at "
                + "step %d, %d shots sent; held-out figures %s%n", CATALOG, "S 72 / C 64, cnn 64-d",
                served.metadata().modelVersion(), served.metadata().step(), sent(),
                QuickstartProgress.figures(served.metadata().evaluation()));
        OptionalLong complete = coverage().newestComplete(queryCount());
        if (queryCount() < 2 || complete.isEmpty() || complete.getAsLong() == 0) {
            out.printf("catalog %s: no trained version has reached all %d query shots: no zero-shot figure%n",
                    CATALOG, queryCount());
            return;
        }
        RetrievalReport trained = evaluate(complete.getAsLong());
        RetrievalReport untrained = evaluate(0);
        if (trained == null || untrained == null) {
            out.printf("catalog %s: too few query embeddings to evaluate%n", CATALOG);
            return;
        }
        out.printf(Locale.ROOT, "catalog %s: zero-shot on %d unseen-class shots (version %d): Recall@1 %.4f  "
                + "(untrained, version 0: %.4f)   NMI %.4f  (%.4f)   MAP@R %.4f  (%.4f)%n", CATALOG, queryCount(),
                complete.getAsLong(), trained.recallAt1(), untrained.recallAt1(), trained.nmi(), untrained.nmi(),
                trained.mapAtR(), untrained.mapAtR());
    }

    /** Retrieval figures of the query shots' embeddings at {@code version}, or null when fewer than two have one. */
    private RetrievalReport evaluate(long version) {
        List<float[]> vectors = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (Map.Entry<String, Map<Long, ItemEmbedding>> item : watcher.retainedVersions().entrySet()) {
            ItemEmbedding e = item.getValue().get(version);
            if (e != null && CATALOG.equals(e.catalog)) {
                vectors.add(e.vector);
                labels.add(Integer.parseInt(e.label));
            }
        }
        if (vectors.size() < 2) {
            return null;
        }
        return RetrievalReport.evaluate(vectors.toArray(new float[0][]),
                labels.stream().mapToInt(Integer::intValue).toArray(), config.seed());
    }

    @Override
    public void close() {
        watcher.close();
    }
}
