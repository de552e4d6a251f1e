package io.streamsynth.pipeline.index;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.lucene.store.LockObtainFailedException;

/**
 * A running index: the indexes under one directory, the feeder that keeps them current and,
 * optionally, the HTTP API. {@link #close} stops the feeder, which commits, then closes the rest.
 */
public final class IndexService implements AutoCloseable {
    private final CatalogIndexes indexes;
    private final IndexFeeder feeder;
    private final NeighboursHttp http;
    private final Thread thread;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    /**
     * What to run.
     *
     * @param partitionCheck how often the feeder looks for partitions added to the topics
     */
    public record Settings(IndexLayout layout, Properties clientProperties, String embeddingsTopic,
            String markersTopic, Duration commitInterval, Duration grace, Duration progressInterval,
            InetSocketAddress httpAddress, int maxK, Duration partitionCheck) {

        /** Looking for new partitions every {@link IndexFeeder#PARTITION_CHECK}. */
        public Settings(IndexLayout layout, Properties clientProperties, String embeddingsTopic,
                String markersTopic, Duration commitInterval, Duration grace, Duration progressInterval,
                InetSocketAddress httpAddress, int maxK) {
            this(layout, clientProperties, embeddingsTopic, markersTopic, commitInterval, grace, progressInterval,
                    httpAddress, maxK, IndexFeeder.PARTITION_CHECK);
        }
    }

    private IndexService(Settings s, PrintStream log) throws IOException {
        IndexState state = IndexState.read(s.layout().stateFile());
        try {
            this.indexes = new CatalogIndexes(s.layout(), state, s.grace(), log);
        } catch (LockObtainFailedException e) {
            throw new IllegalArgumentException("another `index serve` is using " + s.layout().root()
                    + " (" + e.getMessage() + ")", e);
        }
        NeighboursHttp server = null;
        try {
            server = s.httpAddress() == null ? null : new NeighboursHttp(indexes, s.httpAddress(), s.maxK());
        } catch (IOException e) {
            indexes.close();
            throw new IllegalArgumentException("cannot listen on " + s.httpAddress() + ": " + e.getMessage(), e);
        }
        this.http = server;
        // the consumer last: nothing closes it before its thread runs, and what is open before it (the
        // indexes' write locks, the port) must not outlive a refused Kafka setting
        try {
            this.feeder = new IndexFeeder(s.clientProperties(), s.embeddingsTopic(), s.markersTopic(), indexes, state,
                    s.commitInterval(), s.progressInterval(), log, s.partitionCheck());
        } catch (RuntimeException e) {
            if (server != null) {
                server.close();
            }
            indexes.close();
            throw e;
        }
        this.thread = new Thread(() -> {
            try {
                feeder.run();
            } catch (Throwable t) {
                failure.set(t);
                log.println("index: the feeder stopped: " + t);
            } finally {
                finished.countDown();
            }
        }, "index-feeder");
    }

    /** Opens the directory (creating it) and starts consuming and serving. */
    public static IndexService start(Settings settings, PrintStream log) throws IOException {
        IndexService service = new IndexService(settings, log);
        service.thread.start();
        return service;
    }

    public CatalogIndexes indexes() {
        return indexes;
    }

    public IndexFeeder feeder() {
        return feeder;
    }

    /** The HTTP port, or -1 without HTTP. */
    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    /** Waits until the feeder stops (by {@link #close} or a failure); returns its failure, or null. */
    public Throwable awaitFeeder() throws InterruptedException {
        finished.await();
        return failure.get();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        feeder.stop();
        if (!finished.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the index feeder did not stop within 60 s");
        }
        if (http != null) {
            http.close();
        }
        indexes.close();
    }
}
