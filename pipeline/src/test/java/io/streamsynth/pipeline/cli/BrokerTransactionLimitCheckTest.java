package io.streamsynth.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThatCode;

import io.streamsynth.pipeline.kafka.EmbeddedKafka;
import io.streamsynth.pipeline.kafka.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker that allows 5 min transactions, below the sinks' default 10 min: the job would restart
 * forever with "transaction timeout is larger than the maximum value allowed by the broker".
 */
@Timeout(120)
class BrokerTransactionLimitCheckTest {
    private static EmbeddedKafka kafka;
    private static Topics topics;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = EmbeddedKafka.start(Map.of("transaction.max.timeout.ms", "300000"));
        topics = JobSettingsFixture.topics(kafka, 1, Map.of());
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void sinksTransactionTimeoutAboveTheBrokersMaximumIsRefusedInOneLine() {
        CommandRun run = JobSettingsFixture.train(kafka, topics);

        JobSettingsFixture.assertRefusedInOneLine(run, "the sinks' transaction.timeout.ms 600000 is above broker",
                "transaction.max.timeout.ms 300000", "set transaction.timeout.ms to at most 300000",
                "--kafka-properties");
    }

    @Test
    void aTransactionTimeoutWithinTheBrokersMaximumPasses() throws Exception {
        Path file = Files.writeString(dir.resolve("client.properties"), "transaction.timeout.ms=300000\n");

        assertThatCode(() -> JobSettingsFixture.check(kafka, topics, 1, "--kafka-properties", file.toString()))
                .doesNotThrowAnyException();
    }

    @Test
    void checkpointIntervalTooCloseToTheTransactionTimeoutIsRefusedInOneLine() throws Exception {
        Path file = Files.writeString(dir.resolve("short.properties"), "transaction.timeout.ms=300000\n");

        CommandRun run = JobSettingsFixture.train(kafka, topics, "--kafka-properties", file.toString(),
                "--checkpoint-interval", "250");

        JobSettingsFixture.assertRefusedInOneLine(run, "--checkpoint-interval 250 s plus 60 s",
                "transaction.timeout.ms 300000", "lower --checkpoint-interval to at most 240 s");
        assertThatCode(() -> JobSettingsFixture.check(kafka, topics, 1, "--kafka-properties", file.toString(),
                "--checkpoint-interval", "240")).doesNotThrowAnyException();
    }
}
