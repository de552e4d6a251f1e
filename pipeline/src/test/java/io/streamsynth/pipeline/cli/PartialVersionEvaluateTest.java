package io.streamsynth.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamsynth.operators.kafka.EmbeddingJson;
import io.streamsynth.operators.types.ItemEmbedding;
import io.streamsynth.pipeline.kafka.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The case of the issue: four items over two partitions; version 1 committed for all, version 2
 * committed on partition 0 (shirt-a, boot-b) and still in an open transaction on partition 1
 * (shirt-c, boot-d), so a read_committed reader sees version 2 for two of the four items. Scored
 * alone, those two are each other's only neighbour, of the other class: Recall@1 0.0, where the
 * complete version 1, or all of version 2 once committed, gives 1.0.
 */
@Timeout(120)
class PartialVersionEvaluateTest {
    private static EmbeddedKafka kafka;
    private static String topic;

    @BeforeAll
    static void publishWithAnOpenTransaction() throws Exception {
        kafka = TopicFixtures.startBroker();
        topic = TopicFixtures.newTopic(kafka, "embeddings", 2);
        TopicFixtures.commit(kafka, List.of(
                record(0, "shirt-a", "shirt", 1, 1f, 0f), record(0, "boot-b", "boot", 1, 0f, 1f),
                record(1, "shirt-c", "shirt", 1, 0.9f, 0.1f), record(1, "boot-d", "boot", 1, 0.1f, 0.9f),
                record(0, "shirt-a", "shirt", 2, 1f, 0f), record(0, "boot-b", "boot", 2, 0f, 1f)));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void anOpenTransactionOnOnePartitionLeavesTheNewestVersionPartialUntilItCommits() throws Exception {
        try (KafkaProducer<byte[], byte[]> open = transactional()) {
            open.initTransactions();
            open.beginTransaction();
            open.send(record(1, "shirt-c", "shirt", 2, 0.95f, 0.05f));
            open.send(record(1, "boot-d", "boot", 2, 0.05f, 0.95f));
            open.flush();

            CommandRun byDefault = evaluate();
            JsonNode chosen = json(byDefault);
            assertThat(chosen.get("version").asLong()).as("the newest complete version").isEqualTo(1);
            assertThat(chosen.get("items").asInt()).isEqualTo(4);
            assertThat(chosen.get("r_at_1").asDouble()).isEqualTo(1.0);
            assertThat(chosen.get("complete").asBoolean()).isTrue();
            assertThat(byDefault.err()).contains("evaluating version 1, the newest that all 4 labelled items",
                    "the newest, 2, has only 2 of them");

            CommandRun refused = evaluate("--version", "2");
            assertThat(refused.exitCode()).isEqualTo(2);
            assertThat(refused.err().strip()).startsWith("error: version 2 is incomplete: 2 of 4 labelled items")
                    .contains("the newest complete version is 1", "pass --allow-partial to score 2 items anyway")
                    .doesNotContain("\n");

            CommandRun partial = evaluate("--version", "2", "--allow-partial");
            JsonNode scored = json(partial);
            assertThat(scored.get("version").asLong()).isEqualTo(2);
            assertThat(scored.get("items").asInt()).isEqualTo(2);
            assertThat(scored.get("items_read").asInt()).isEqualTo(4);
            assertThat(scored.get("complete").asBoolean()).isFalse();
            assertThat(scored.get("r_at_1").asDouble()).isEqualTo(0.0);
            assertThat(partial.err()).contains("evaluating version 2 as asked, partial (--allow-partial): 2 of 4");

            open.commitTransaction();
        }
        JsonNode committed = json(evaluate());
        assertThat(committed.get("version").asLong()).isEqualTo(2);
        assertThat(committed.get("items").asInt()).isEqualTo(4);
        assertThat(committed.get("r_at_1").asDouble()).isEqualTo(1.0);
    }

    @Test
    void withoutACompleteVersionItRefusesUnlessPartialIsAllowed() throws Exception {
        String other = TopicFixtures.newTopic(kafka, "embeddings", 1);
        // a re-embedding pass superseded mid-way: no version has all three items
        TopicFixtures.commit(kafka, List.of(
                new ProducerRecord<>(other, bytes("x"), EmbeddingJson.encode(new ItemEmbedding("fashion", "x",
                        "shirt", 1, 1, new float[] {1f, 0f}))),
                new ProducerRecord<>(other, bytes("y"), EmbeddingJson.encode(new ItemEmbedding("fashion", "y",
                        "shirt", 2, 1, new float[] {0.9f, 0.1f}))),
                new ProducerRecord<>(other, bytes("z"), EmbeddingJson.encode(new ItemEmbedding("fashion", "z",
                        "boot", 2, 1, new float[] {0f, 1f})))));

        CommandRun refused = CommandRun.of("evaluate", "--bootstrap-servers", kafka.bootstrapServers(), "--topic",
                other, "--idle-ms", "300");
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err().strip()).isEqualTo("error: no version is complete: the newest, 2, has 2 of 3 "
                + "labelled items of catalog 'fashion' in topic '" + other + "' and no older one has all of them; "
                + "pass --allow-partial to score it anyway");

        CommandRun partial = CommandRun.of("evaluate", "--bootstrap-servers", kafka.bootstrapServers(), "--topic",
                other, "--idle-ms", "300", "--allow-partial");
        JsonNode scored = json(partial);
        assertThat(scored.get("version").asLong()).isEqualTo(2);
        assertThat(scored.get("items").asInt()).isEqualTo(2);
        assertThat(partial.err()).contains("version 2, the newest, partial (--allow-partial): 2 of 3");
    }

    private static CommandRun evaluate(String... extra) {
        List<String> args = new ArrayList<>(List.of("evaluate", "--bootstrap-servers", kafka.bootstrapServers(),
                "--topic", topic, "--idle-ms", "300"));
        args.addAll(List.of(extra));
        return CommandRun.of(args.toArray(new String[0]));
    }

    private static JsonNode json(CommandRun run) throws Exception {
        assertThat(run.exitCode()).as(run.err()).isZero();
        return new ObjectMapper().readTree(run.out());
    }

    private static KafkaProducer<byte[], byte[]> transactional() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "open-" + UUID.randomUUID());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    private static ProducerRecord<byte[], byte[]> record(int partition, String item, String label, long version,
            float... vector) {
        return new ProducerRecord<>(topic, partition, bytes(item),
                EmbeddingJson.encode(new ItemEmbedding("fashion", item, label, version, 1, vector)));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
