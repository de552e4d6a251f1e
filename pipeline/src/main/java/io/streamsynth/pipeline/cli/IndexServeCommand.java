package io.streamsynth.pipeline.cli;

import io.streamsynth.pipeline.index.IndexLayout;
import io.streamsynth.pipeline.index.IndexService;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Consumes the embeddings and markers topics into the indexes and serves k-NN queries over HTTP until stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Reads the embeddings topic (records and tombstones) and the version markers topic "
                + "(read_committed) into one Lucene HNSW index per (catalog, model version) under --index-dir, "
                + "and answers GET /catalogs/{catalog}/neighbours?item=ID&k=10 from each catalog's newest "
                + "complete version, until interrupted (Ctrl-C).",
            "Resumes from the positions saved in --index-dir; deleting the directory rebuilds it from the topics."})
public final class IndexServeCommand implements Callable<Integer> {
    @Mixin
    KafkaClientOptions kafka = new KafkaClientOptions();

    @Option(names = "--index-dir", required = true, description = "Where the indexes and their state live.")
    Path indexDir;

    @Option(names = "--topic", description = "Embeddings topic (default: ${DEFAULT-VALUE}).")
    String topic = "embeddings";

    @Option(names = "--versions-topic", description = "Version markers topic (default: ${DEFAULT-VALUE}).")
    String versionsTopic = "embedding-versions";

    @Option(names = "--http-host", description = "Address the HTTP API listens on (default: ${DEFAULT-VALUE}; "
            + "0.0.0.0 for every interface).")
    String httpHost = "localhost";

    @Option(names = "--http-port", description = "HTTP API port; 0 picks a free one, -1 turns the API off "
            + "(default: ${DEFAULT-VALUE}).")
    int httpPort = 8090;

    @Option(names = "--max-k", description = "Largest k a query may ask for (default: ${DEFAULT-VALUE}).")
    int maxK = 1000;

    @Option(names = "--commit-interval-ms", description = "How often the indexes and their positions are "
            + "committed to disk: after a crash, at most this much is read again (default: ${DEFAULT-VALUE}).")
    long commitIntervalMillis = 5000;

    @Option(names = "--count-grace-ms", description = "How long a complete version whose end offsets were "
            + "reached waits for the item count of its marker before it is served anyway (default: ${DEFAULT-VALUE}).")
    long graceMillis = 30000;

    @Option(names = "--progress-ms", description = "How often a progress line goes to stderr (default: ${DEFAULT-VALUE}).")
    long progressMillis = 10000;

    @Option(names = {"-q", "--quiet"}, description = "No progress lines; switches and errors still print.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        if (httpPort < -1 || httpPort > 65535) {
            throw new IllegalArgumentException("--http-port must be -1 (off), 0 (any) or a port up to 65535, got "
                    + httpPort);
        }
        if (maxK < 1) {
            throw new IllegalArgumentException("--max-k must be positive, got " + maxK);
        }
        if (commitIntervalMillis < 1 || graceMillis < 0 || progressMillis < 1) {
            throw new IllegalArgumentException("--commit-interval-ms and --progress-ms must be positive and "
                    + "--count-grace-ms not negative");
        }
        kafka.preflight(List.of(topic, versionsTopic));
        Properties client = kafka.clientProperties();
        client.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        IndexService.Settings settings = new IndexService.Settings(new IndexLayout(indexDir), client, topic,
                versionsTopic, Duration.ofMillis(commitIntervalMillis), Duration.ofMillis(graceMillis),
                quiet ? null : Duration.ofMillis(progressMillis),
                httpPort < 0 ? null : new InetSocketAddress(httpHost, httpPort), maxK);
        IndexService service = IndexService.start(settings, System.err);
        Thread hook = new Thread(() -> {
            try {
                service.close();
            } catch (Exception e) {
                System.err.println("index: stopping failed: " + e);
            }
        }, "index-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        System.err.printf("index: %s and %s from %s into %s%s%n", topic, versionsTopic, kafka.bootstrapServers(),
                indexDir, service.httpPort() < 0 ? "" : "; HTTP API at http://" + httpHost + ":" + service.httpPort()
                        + "/catalogs/{catalog}/neighbours?item=ID&k=10");
        Throwable failure = service.awaitFeeder();
        if (failure != null) {
            Runtime.getRuntime().removeShutdownHook(hook);
            service.close();
            System.err.println("error: the index stopped: " + failure.getMessage());
            return 1;
        }
        return 0;
    }
}
