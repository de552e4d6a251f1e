package io.streamsynth.pipeline.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamsynth.pipeline.cli.CommandRun;
import io.streamsynth.pipeline.kafka.EmbeddedKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a user of the index sees: the HTTP API and the `index` command line. */
class IndexApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static EmbeddedKafka kafka;
    private static IndexRig rig;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = IndexRig.broker();
        rig = new IndexRig(kafka);
        rig.commit(rig.embedding("fashion", "sku-1", "sneaker", 3, 1, 1, 0, 0),
                rig.embedding("fashion", "sku-2", "sneaker", 3, 1, 0.8f, 0.6f, 0),
                rig.embedding("fashion", "sku-3", "boot", 3, 1, 0, 0, 1),
                rig.marker("fashion", 3, "complete", 3));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        kafka.close();
    }

    @Test
    void theHttpApiAnswersWithTheDocumentedJsonAnd404Or400() throws Exception {
        try (IndexService service = rig.start(dir, Duration.ofMinutes(5), true)) {
            IndexRig.await("fashion served", () -> service.indexes().served().containsKey("fashion"));
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://localhost:" + service.httpPort();

            HttpResponse<String> ok = get(http, base + "/catalogs/fashion/neighbours?item=sku-1&k=2");
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
            JsonNode body = JSON.readTree(ok.body());
            assertThat(body.get("catalog").asText()).isEqualTo("fashion");
            assertThat(body.get("model_version").asLong()).isEqualTo(3);
            assertThat(body.get("item_id").asText()).isEqualTo("sku-1");
            assertThat(body.get("k").asInt()).isEqualTo(2);
            JsonNode first = body.get("neighbours").get(0);
            assertThat(first.get("item_id").asText()).isEqualTo("sku-2");
            assertThat(first.get("label").asText()).isEqualTo("sneaker");
            assertThat(first.get("similarity").asDouble()).isCloseTo(0.8, org.assertj.core.api.Assertions.within(1e-6));
            assertThat(body.get("neighbours").get(1).get("item_id").asText()).isEqualTo("sku-3");

            JsonNode catalogs = JSON.readTree(get(http, base + "/catalogs").body());
            assertThat(catalogs.get("catalogs").get(0).get("model_version").asLong()).isEqualTo(3);
            assertThat(catalogs.get("catalogs").get(0).get("items").asLong()).isEqualTo(3);

            assertError(get(http, base + "/catalogs/shoes/neighbours?item=sku-1&k=2"), 404, "catalog 'shoes'");
            assertError(get(http, base + "/catalogs/fashion/neighbours?item=sku-9&k=2"), 404, "item 'sku-9'");
            assertError(get(http, base + "/catalogs/fashion/neighbours?item=sku-1&k=0"), 400, "k must be");
            assertError(get(http, base + "/catalogs/fashion/neighbours?item=sku-1&k=ten"), 400, "k must be");
            assertError(get(http, base + "/catalogs/fashion/neighbours?item=sku-1&k=101"), 400, "1 to 100");
            assertError(get(http, base + "/catalogs/fashion/neighbours?k=2"), 400, "'item' is required");
            assertError(get(http, base + "/nothing"), 404, "no such resource");

            assertThatThrownBy(() -> rig.start(dir, Duration.ofMinutes(5), false))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("another `index serve` is using");
        }
    }

    @Test
    void searchPrintsTheNeighboursFromTheDirectoryAndRefusesBadFlags() throws Exception {
        try (IndexService service = rig.start(dir, Duration.ofMinutes(5), false)) {
            IndexRig.await("fashion served", () -> service.indexes().served().containsKey("fashion"));
        }
        CommandRun json = CommandRun.of("index", "search", "--index-dir", dir.toString(), "--catalog", "fashion",
                "--item", "sku-2", "--k", "1");
        assertThat(json.exitCode()).as(json.err()).isZero();
        JsonNode body = JSON.readTree(json.out());
        assertThat(body.get("model_version").asLong()).isEqualTo(3);
        assertThat(body.get("neighbours")).hasSize(1);
        assertThat(body.get("neighbours").get(0).get("item_id").asText()).isEqualTo("sku-1");

        CommandRun table = CommandRun.of("index", "search", "--index-dir", dir.toString(), "--catalog", "fashion",
                "--item", "sku-1", "--format", "table");
        assertThat(table.exitCode()).isZero();
        assertThat(table.out()).contains("model version 3").containsPattern("1\\s+sku-2\\s+sneaker\\s+0\\.800000");

        assertExit2(CommandRun.of("index", "search", "--index-dir", dir.toString(), "--catalog", "fashion",
                "--item", "sku-9"), "item 'sku-9' is not in catalog 'fashion'");
        assertExit2(CommandRun.of("index", "search", "--index-dir", dir.toString(), "--catalog", "shoes",
                "--item", "sku-1"), "catalog 'shoes' has no complete version");
        assertExit2(CommandRun.of("index", "search", "--index-dir", dir.toString(), "--catalog", "fashion",
                "--item", "sku-1", "--k", "0"), "--k must be positive");
        assertExit2(CommandRun.of("index"), "serve or search");
        assertExit2(CommandRun.of("index", "serve", "--bootstrap-servers", kafka.bootstrapServers(),
                "--index-dir", dir.toString(), "--http-port", "70000"), "--http-port");
    }

    @Test
    void serveRefusesToStartWithoutTheMarkersTopic() {
        CommandRun run = CommandRun.of("index", "serve", "--bootstrap-servers", kafka.bootstrapServers(),
                "--index-dir", dir.toString(), "--topic", rig.embeddings, "--versions-topic", "no-such-versions");
        assertExit2(run, "topic 'no-such-versions' does not exist");
    }

    private static void assertExit2(CommandRun run, String message) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        // the message is the first line (picocli adds the usage after a parse error)
        assertThat(run.err().lines().findFirst()).as(run.err()).hasValueSatisfying(l -> assertThat(l).contains(message));
    }

    private static void assertError(HttpResponse<String> response, int status, String message) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(JSON.readTree(response.body()).get("error").asText()).contains(message);
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
