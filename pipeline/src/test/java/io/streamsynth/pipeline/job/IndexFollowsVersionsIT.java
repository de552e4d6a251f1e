package io.streamsynth.pipeline.job;

import io.streamsynth.pipeline.kafka.Topics;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamsynth.operators.kafka.EmbeddingJson;
import io.streamsynth.operators.types.ItemEmbedding;
import io.streamsynth.operators.types.VersionMarker;
import io.streamsynth.pipeline.Main;
import io.streamsynth.pipeline.index.IndexLayout;
import io.streamsynth.pipeline.index.IndexService;
import io.streamsynth.pipeline.index.Neighbours;
import io.streamsynth.pipeline.kafka.CommittedTopicReader;
import io.streamsynth.pipeline.kafka.EmbeddedKafka;
import io.streamsynth.pipeline.kafka.ImageEventProducer;
import io.streamsynth.pipeline.kafka.TopicSetup;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code index serve} following a running job end to end (real broker, MiniCluster, RocksDB): while
 * model versions roll, a client asks the HTTP API for neighbours over and over, and every answer must
 * come from one version whose marker is complete, its similarities the cosines of that version's
 * vectors as the embeddings topic holds them. After the last complete marker the index's Recall@1
 * over the catalog equals what {@code evaluate} computes from the topic for the same version.
 *
 * <p>It relies only on markers, not on which trained versions reach the embedder, so it holds with or
 * without a promotion gate.
 */
class IndexFollowsVersionsIT {
    private static final int CLASSES = 5;
    private static final int ROUND = 40;
    private static final int MAX_ITEMS = 320;
    private static final int COMPLETE_VERSIONS = 3;
    private static final int K = 5;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** One HTTP answer: the version it came from, the query item and its neighbours' ids, labels and similarities. */
    private record Answer(long version, String item, List<String> ids, List<String> labels, List<Double> sims) {}

    @Test
    @Timeout(300)
    void everyAnswerIsOneCompleteVersionAndTheFinalRecallIsEvaluates() throws Exception {
        long started = System.currentTimeMillis();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            JobConfig config = GeneratedCatalog.config(kafka.bootstrapServers(), "index-it");
            Topics topics = config.topics();
            kafka.createTopics(TopicSetup.topics(topics, 2));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(
                    FlinkEnvironments.stateConfig(dir.resolve("checkpoints")));
            env.setParallelism(1);
            StreamsynthJob.build(env, config);
            LocalJobRunner job = LocalJobRunner.start(env, "index-follows-versions");

            Properties client = new Properties();
            client.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
            AtomicBoolean querying = new AtomicBoolean(true);
            AtomicReference<Throwable> clientFailure = new AtomicReference<>();
            AtomicInteger sent = new AtomicInteger();
            try (IndexService index = IndexService.start(new IndexService.Settings(
                    new IndexLayout(dir.resolve("index")), client, topics.embeddings(), topics.versions(),
                    Duration.ofMillis(500), Duration.ofSeconds(30), null, new InetSocketAddress("localhost", 0), 100),
                    System.err)) {
                Thread queries = new Thread(() -> query(index.httpPort(), sent, answers, querying, clientFailure),
                        "index-client");
                queries.start();
                try (ImageEventProducer producer = new ImageEventProducer(kafka.bootstrapServers(), new Properties(),
                        topics.images())) {
                    long deadline = System.currentTimeMillis() + 180_000;
                    // a round of new items at a time, until enough versions have completed passes
                    while (complete(readMarkers(kafka, topics)).size() < COMPLETE_VERSIONS) {
                        assertThat(System.currentTimeMillis()).as("%d complete markers within 180 s",
                                COMPLETE_VERSIONS).isLessThan(deadline);
                        int before = complete(readMarkers(kafka, topics)).size();
                        if (sent.get() < MAX_ITEMS) {
                            GeneratedCatalog.send(producer, sent.get(), sent.get() + ROUND, CLASSES);
                            sent.addAndGet(ROUND);
                        }
                        long roundEnd = System.currentTimeMillis() + 20_000;
                        while (complete(readMarkers(kafka, topics)).size() == before
                                && System.currentTimeMillis() < roundEnd) {
                            Thread.sleep(500);
                        }
                    }
                } finally {
                    // a cancel ends any pass still running: the newest complete marker is then the last
                    job.close();
                }
                List<VersionMarker> markers = readMarkers(kafka, topics);
                long last = complete(markers).last();
                waitUntilServed(index, last);
                querying.set(false);
                queries.join(30_000);
                assertThat(clientFailure.get()).as("the client's failure").isNull();

                Map<String, ItemEmbedding> published = readEmbeddings(kafka, topics);
                Set<Long> completeVersions = complete(markers);
                assertThat(answers).as("answers during the run").isNotEmpty();
                for (Answer a : answers) {
                    assertThat(completeVersions).as("versions with a complete marker, answering %s", a)
                            .contains(a.version);
                    assertConsistent(a, published);
                }
                Set<Long> answered = answers.stream().map(Answer::version).collect(Collectors.toCollection(TreeSet::new));
                assertThat(answered).as("versions the client was answered from while they rolled").hasSizeGreaterThan(1);

                List<String> items = published.values().stream().filter(e -> e.modelVersion == last)
                        .map(e -> e.itemId).sorted().toList();
                assertThat(index.indexes().served().get(GeneratedCatalog.CATALOG)[1]).as("items served at v%d", last)
                        .isEqualTo(items.size());
                int hits = 0;
                int exact = 0;
                for (String item : items) {
                    Neighbours n = index.indexes().neighbours(GeneratedCatalog.CATALOG, item, 1);
                    assertThat(n.modelVersion()).isEqualTo(last);
                    String nearest = n.neighbours().get(0).itemId();
                    hits += n.neighbours().get(0).label().equals(published.get(key(item, last)).label) ? 1 : 0;
                    // exact: no other item is nearer than the one HNSW found (an equally near one may be named instead)
                    double found = cosine(published.get(key(item, last)).vector, published.get(key(nearest, last)).vector);
                    exact += found >= bruteForceNearestCosine(item, last, items, published) - 1e-6 ? 1 : 0;
                }
                double indexRecall = (double) hits / items.size();
                JsonNode evaluated = evaluate(kafka, topics, last);
                assertThat(evaluated.get("items").asInt()).as("items evaluate scored").isEqualTo(items.size());
                assertThat(exact).as("items whose HNSW nearest neighbour is as near as the exact one").isEqualTo(items.size());
                assertThat(indexRecall).as("the index's Recall@1 at v%d against evaluate's", last)
                        .isEqualTo(evaluated.get("r_at_1").asDouble());
                System.err.printf("[figures] IndexFollowsVersionsIT: %d items sent, markers %s, %d answers from"
                        + " versions %s, final v%d Recall@1 %.4f (index) = %.4f (evaluate), wall %.0f s%n", sent.get(),
                        markers, answers.size(), answered, last, indexRecall, evaluated.get("r_at_1").asDouble(),
                        (System.currentTimeMillis() - started) / 1000.0);
            } finally {
                querying.set(false);
            }
        }
    }

    /** Asks for the neighbours of item after item, round the sent ids, until told to stop. */
    private static void query(int port, AtomicInteger sent, ConcurrentLinkedQueue<Answer> answers,
            AtomicBoolean querying, AtomicReference<Throwable> failure) {
        HttpClient http = HttpClient.newHttpClient();
        try {
            for (int i = 0; querying.get(); i = (i + 7) % Math.max(1, sent.get())) {
                String item = GeneratedCatalog.itemId(i);
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                        + "/catalogs/" + GeneratedCatalog.CATALOG + "/neighbours?item=" + item + "&k=" + K)).GET()
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 404) {
                    // no complete version yet, or the item is not in the served one
                    Thread.sleep(20);
                    continue;
                }
                assertThat(r.statusCode()).as("status of %s", r.body()).isEqualTo(200);
                JsonNode body = JSON.readTree(r.body());
                List<String> ids = new ArrayList<>();
                List<String> labels = new ArrayList<>();
                List<Double> sims = new ArrayList<>();
                for (JsonNode n : body.get("neighbours")) {
                    ids.add(n.get("item_id").asText());
                    labels.add(n.get("label").asText());
                    sims.add(n.get("similarity").asDouble());
                }
                answers.add(new Answer(body.get("model_version").asLong(), item, ids, labels, sims));
            }
        } catch (Throwable t) {
            failure.set(t);
        }
    }

    /**
     * The answer's neighbours are the query's nearest at its version: their labels and similarities
     * (cosines, rounded to 6 decimals from a float32 score) are those of the topic's vectors at that
     * version, in descending order.
     */
    private static void assertConsistent(Answer a, Map<String, ItemEmbedding> published) {
        ItemEmbedding query = published.get(key(a.item, a.version));
        assertThat(query).as("%s at v%d on the embeddings topic", a.item, a.version).isNotNull();
        assertThat(a.ids).as("neighbours of %s", a).isNotEmpty().doesNotContain(a.item);
        for (int j = 0; j < a.ids.size(); j++) {
            ItemEmbedding n = published.get(key(a.ids.get(j), a.version));
            assertThat(n).as("neighbour %s at v%d on the embeddings topic", a.ids.get(j), a.version).isNotNull();
            assertThat(a.labels.get(j)).as("label of %s", n.itemId).isEqualTo(n.label);
            assertThat(a.sims.get(j)).as("similarity of %s to %s at v%d", n.itemId, a.item, a.version)
                    .isCloseTo(cosine(query.vector, n.vector), org.assertj.core.data.Offset.offset(5e-6));
            if (j > 0) {
                assertThat(a.sims.get(j)).as("order of %s", a).isLessThanOrEqualTo(a.sims.get(j - 1));
            }
        }
    }

    /** The largest cosine similarity of item to any other item at version, by brute force. */
    private static double bruteForceNearestCosine(String item, long version, List<String> items,
            Map<String, ItemEmbedding> published) {
        float[] q = published.get(key(item, version)).vector;
        double bestCos = Double.NEGATIVE_INFINITY;
        for (String other : items) {
            if (!other.equals(item)) {
                bestCos = Math.max(bestCos, cosine(q, published.get(key(other, version)).vector));
            }
        }
        return bestCos;
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    private static String key(String item, long version) {
        return item + "@" + version;
    }

    /** Every embedding on the topic by item and version; the job ran once, so each is written once. */
    private static Map<String, ItemEmbedding> readEmbeddings(EmbeddedKafka kafka, Topics topics) {
        Map<String, ItemEmbedding> out = new HashMap<>();
        try (CommittedTopicReader reader = new CommittedTopicReader(kafka.bootstrapServers(), new Properties(),
                topics.embeddings())) {
            reader.readAll(Duration.ofMillis(500), null, r -> {
                if (r.value() != null) {
                    ItemEmbedding e = EmbeddingJson.decode(r.value());
                    ItemEmbedding before = out.put(key(e.itemId, e.modelVersion), e);
                    if (before != null) {
                        assertThat(before.vector).as("%s at v%d written twice", e.itemId, e.modelVersion)
                                .isEqualTo(e.vector);
                    }
                }
            });
        }
        return out;
    }

    private static List<VersionMarker> readMarkers(EmbeddedKafka kafka, Topics topics) {
        return MarkerAudit.read(kafka.bootstrapServers(), topics).markers();
    }

    private static TreeSet<Long> complete(List<VersionMarker> markers) {
        return markers.stream().filter(VersionMarker::isComplete).map(m -> m.version)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static void waitUntilServed(IndexService index, long version) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            long[] served = index.indexes().served().get(GeneratedCatalog.CATALOG);
            if (served != null && served[0] == version) {
                return;
            }
            assertThat(System.currentTimeMillis()).as("the index serving v%d within 60 s", version)
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** Runs {@code evaluate} on the version, as the CLI would; returns its JSON line. */
    private static JsonNode evaluate(EmbeddedKafka kafka, Topics topics, long version) throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        int code = cli.execute("evaluate", "--bootstrap-servers", kafka.bootstrapServers(), "--topic",
                topics.embeddings(), "--catalog", GeneratedCatalog.CATALOG, "--version", Long.toString(version),
                "--allow-partial");
        // partial only when items came after the marker and reached a newer version alone; the index leaves
        // them out too, and the caller compares the item counts
        assertThat(code).as("evaluate's exit code (stdout %s)", out).isZero();
        return JSON.readTree(out.toString().trim());
    }
}
