package io.streamsynth.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamsynth.operators.kafka.EmbeddingJson;
import io.streamsynth.operators.types.ItemEmbedding;
import io.streamsynth.operators.types.ItemKey;
import io.streamsynth.pipeline.kafka.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two versions of four query items, two classes each: at version 1 the two classes lean into each
 * other so that half of the items have the other class as nearest neighbour (Recall@1 0.5); at
 * version 2 they are well apart (Recall@1 1.0).
 */
class EvaluateCommandTest {
    private static EmbeddedKafka kafka;
    private static String topic;

    @BeforeAll
    static void publishEmbeddings() throws Exception {
        kafka = TopicFixtures.startBroker();
        topic = TopicFixtures.newTopic(kafka, "embeddings", 2);
        List<ProducerRecord<byte[], byte[]>> committed = new ArrayList<>();
        // version 1: query-2 is first published close to its class, then re-published leaning to the other
        committed.add(record("fashion", "query-2", "shirt", 1, 0.9f, 0.1f));
        committed.add(record("fashion", "query-1", "shirt", 1, 1f, 0f));
        committed.add(record("fashion", "query-2", "shirt", 1, 0.8f, 0.6f));
        committed.add(record("fashion", "query-3", "boot", 1, 0f, 1f));
        committed.add(record("fashion", "query-4", "boot", 1, 0.6f, 0.8f));
        committed.add(record("fashion", "query-1", "shirt", 2, 1f, 0f));
        committed.add(record("fashion", "query-2", "shirt", 2, 0.9f, 0.1f));
        committed.add(record("fashion", "query-3", "boot", 2, 0f, 1f));
        committed.add(record("fashion", "query-4", "boot", 2, 0.1f, 0.9f));
        // a training item right next to the boots, under the shirt label: it spoils Recall@1 unless filtered out
        committed.add(record("fashion", "train-1", "shirt", 2, 0.05f, 1f));
        committed.add(record("fashion", "query-5", null, 2, 0.5f, 0.5f));
        committed.add(record("other", "query-1", "shirt", 5, 1f, 0f));
        committed.add(record("other", "query-2", "boot", 5, 0f, 1f));
        committed.add(new ProducerRecord<>(topic, "junk".getBytes(StandardCharsets.UTF_8),
                "not an embedding".getBytes(StandardCharsets.UTF_8)));
        // a boot at version 2 whose vector overflows float32 (JSON has no NaN): it cannot be ranked
        committed.add(new ProducerRecord<>(topic, ItemKey.encode("fashion", "query-6"), ("{\"schema_version\":1,"
                + "\"catalog\":\"fashion\",\"item_id\":\"query-6\",\"label\":\"boot\",\"model_version\":2,"
                + "\"item_revision\":1,\"dim\":2,\"vector\":[1e999,0]}").getBytes(StandardCharsets.UTF_8)));
        TopicFixtures.commit(kafka, committed);
        TopicFixtures.abort(kafka, List.of(record("fashion", "query-1", "shirt", 9, 1f, 0f),
                record("fashion", "query-3", "boot", 9, 0f, 1f)));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        kafka.close();
    }

    @Test
    void scoresTheNewestCommittedVersionOfTheCatalogByDefault() throws Exception {
        JsonNode result = evaluate("--items-prefix", "query-");

        assertThat(result.get("catalog").asText()).isEqualTo("fashion");
        assertThat(result.get("version").asLong()).as("9 was aborted, 5 is another catalog's").isEqualTo(2);
        assertThat(result.get("items").asInt()).as("query-5 has no label").isEqualTo(4);
        assertThat(result.get("r_at_1").asDouble()).isEqualTo(1.0);
        assertThat(result.get("map_at_r").asDouble()).isEqualTo(1.0);
    }

    @Test
    void scoresTheRequestedVersionFromTheLastRecordOfEachItem() throws Exception {
        JsonNode result = evaluate("--items-prefix", "query-", "--version", "1");

        assertThat(result.get("version").asLong()).isEqualTo(1);
        assertThat(result.get("items").asInt()).isEqualTo(4);
        assertThat(result.get("r_at_1").asDouble()).isEqualTo(0.5);
        assertThat(result.get("r_at_2").asDouble()).isEqualTo(1.0);
        assertThat(result.get("map_at_r").asDouble()).isEqualTo(0.5);
    }

    @Test
    void withoutAPrefixEveryLabelledItemOfTheVersionCounts() throws Exception {
        JsonNode result = evaluate();

        assertThat(result.get("items").asInt()).isEqualTo(5);
        assertThat(result.get("r_at_1").asDouble()).as("both boots and train-1 miss").isEqualTo(0.4);
    }

    @Test
    void printsExactlyOneJsonLineWithEveryFigure() {
        CommandRun run = CommandRun.of("evaluate", "--bootstrap-servers", kafka.bootstrapServers(), "--topic", topic,
                "--idle-ms", "300", "--items-prefix", "query-");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().lines()).hasSize(1);
        assertThat(run.out()).startsWith("{\"catalog\":\"fashion\",\"version\":2,\"items\":4,\"r_at_1\":")
                .contains("\"r_at_2\"", "\"r_at_4\"", "\"r_at_8\"", "\"nmi\"", "\"map_at_r\"");
    }

    @Test
    void aRecordThatCannotBeRankedIsLeftOutCountedAndNamed() {
        CommandRun run = CommandRun.of("evaluate", "--bootstrap-servers", kafka.bootstrapServers(), "--topic", topic,
                "--idle-ms", "300", "--items-prefix", "query-");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).as("query-6 is not among the scored items").contains("\"items\":4,")
                .contains("\"records_skipped\":2}");
        assertThat(run.err()).contains("skipped 2 records not in the documented embedding format: ")
                .contains("key 'junk' (partition ")
                .contains("item 'query-6' of catalog 'fashion' (partition ")
                .contains("embedding vector[0] = 1e999 does not fit a float32");
    }

    @Test
    void versionWithoutEmbeddingsExitsTwoSayingWhatWasMissing() {
        CommandRun run = CommandRun.of("evaluate", "--bootstrap-servers", kafka.bootstrapServers(), "--topic", topic,
                "--idle-ms", "300", "--version", "7");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("error: ").contains("fashion", "version 7", topic);
    }

    @Test
    void missingTopicExitsTwoNamingIt() {
        CommandRun run = CommandRun.of("evaluate", "--bootstrap-servers", kafka.bootstrapServers(), "--topic",
                "no-such-topic", "--idle-ms", "300");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("no-such-topic", "does not exist");
    }

    @Test
    void helpNamesTheFigures() {
        CommandRun run = CommandRun.of("evaluate", "--help");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("--catalog", "--version", "--items-prefix", "--idle-ms", "map_at_r");
    }

    private static JsonNode evaluate(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("evaluate", "--bootstrap-servers", kafka.bootstrapServers(),
                "--topic", topic, "--idle-ms", "300"));
        args.addAll(List.of(extra));
        CommandRun run = CommandRun.of(args.toArray(new String[0]));
        assertThat(run.exitCode()).as(run.err()).isZero();
        return new ObjectMapper().readTree(run.out());
    }

    private static ProducerRecord<byte[], byte[]> record(String catalog, String item, String label, long version,
            float... vector) {
        byte[] value = EmbeddingJson.encode(new ItemEmbedding(catalog, item, label, version, 1, vector));
        return new ProducerRecord<>(topic, item.getBytes(StandardCharsets.UTF_8), value);
    }
}
