package io.streamsynth.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsynth.pipeline.kafka.CapturedLogs;
import io.streamsynth.pipeline.kafka.KafkaPreflight;
import io.streamsynth.pipeline.kafka.KafkaPreflightException;
import io.streamsynth.pipeline.kafka.SaslKafka;
import io.streamsynth.pipeline.kafka.TopicSetup;
import io.streamsynth.pipeline.kafka.Topics;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command that talks to Kafka, against a broker whose only client listener wants SASL: with a
 * wrong password each fails at once with one line that names the properties file and never the
 * password, instead of retrying forever.
 */
@Timeout(120)
class KafkaCredentialsTest {
    private static final String USER = "streamsynth";
    private static final String PASSWORD = "right-" + UUID.randomUUID();
    private static final String WRONG_PASSWORD = "wrong-" + UUID.randomUUID();

    private static SaslKafka kafka;
    private static final Topics TOPICS = Topics.defaults();

    @TempDir
    static Path dir;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = SaslKafka.start(USER, PASSWORD);
        kafka.createTopics(TopicSetup.topics(TOPICS, 1));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void trainWithAWrongPasswordExitsTwoWithOneLineNamingTheFileAndNotThePassword() throws Exception {
        Path file = SaslKafka.writeClientProperties(dir.resolve("train-wrong.properties"), USER, WRONG_PASSWORD);

        CommandRun run;
        String logs;
        try (CapturedLogs captured = CapturedLogs.atInfo()) {
            run = CommandRun.of("train", "--bootstrap-servers", kafka.bootstrapServers(), "--kafka-properties",
                    file.toString());
            logs = captured.text();
        }

        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertRefusedInOneLine(run, file);
        assertThat(logs).as("log output of the refused run").contains("SaslAuthenticationException")
                .doesNotContain(WRONG_PASSWORD, PASSWORD);
    }

    @Test
    void produceWithAWrongPasswordExitsTwoBeforeSendingAnything() throws Exception {
        Path file = SaslKafka.writeClientProperties(dir.resolve("produce-wrong.properties"), USER, WRONG_PASSWORD);
        Path folder = Files.createDirectories(dir.resolve("images"));
        writePng(folder.resolve("shoe").resolve("a.png"));

        CommandRun run = CommandRun.of("produce", "--bootstrap-servers", kafka.bootstrapServers(), "--kafka-properties",
                file.toString(), "--topic", TOPICS.images(), "--image-folder", folder.toString());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertRefusedInOneLine(run, file);
    }

    @Test
    void evaluateAndExportWithAWrongPasswordExitTwo() throws Exception {
        Path file = SaslKafka.writeClientProperties(dir.resolve("read-wrong.properties"), USER, WRONG_PASSWORD);

        CommandRun evaluate = CommandRun.of("evaluate", "--bootstrap-servers", kafka.bootstrapServers(),
                "--kafka-properties", file.toString(), "--topic", TOPICS.embeddings());
        CommandRun export = CommandRun.of("export", "--bootstrap-servers", kafka.bootstrapServers(),
                "--kafka-properties", file.toString(), "--topic", TOPICS.checkpoints(), "--out",
                dir.resolve("model").toString());

        for (CommandRun run : List.of(evaluate, export)) {
            assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
            assertRefusedInOneLine(run, file);
        }
    }

    @Test
    void theRightPasswordPassesThePreflightAndAMissingTopicIsNamed() throws Exception {
        Path file = SaslKafka.writeClientProperties(dir.resolve("right.properties"), USER, PASSWORD);

        CommandRun run = CommandRun.of("train", "--bootstrap-servers", kafka.bootstrapServers(), "--kafka-properties",
                file.toString(), "--images-topic", "no-such-images");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("error: topic 'no-such-images' does not exist at "
                + kafka.bootstrapServers() + ": create it (train --create-topics) or check the topic names");
        assertThat(run.err()).doesNotContain(PASSWORD);
    }

    @Test
    void aClientWithoutSaslSettingsIsNeverAnswered() {
        KafkaPreflight plain = new KafkaPreflight(kafka.bootstrapServers(), new Properties(), "nothing",
                Duration.ofSeconds(3));

        assertThatThrownBy(() -> plain.check(List.of(TOPICS.images())))
                .isInstanceOf(KafkaPreflightException.class)
                .hasMessageContaining("did not answer within 3 s")
                .hasMessageContaining("security.protocol in nothing");
    }

    @Test
    void anUnreachableBrokerIsReportedWithinTheTimeout() {
        KafkaPreflight nowhere = new KafkaPreflight("localhost:1", SaslKafka.clientProperties(USER, PASSWORD),
                "client.properties", Duration.ofSeconds(2));

        assertThatThrownBy(() -> nowhere.check(List.of()))
                .isInstanceOf(KafkaPreflightException.class)
                .hasMessage("Kafka at localhost:1 did not answer within 2 s: check --bootstrap-servers, and "
                        + "security.protocol in client.properties");
    }

    private static void assertRefusedInOneLine(CommandRun run, Path file) {
        String err = run.err().strip();
        assertThat(err).as("one line").doesNotContain("\n");
        assertThat(err).startsWith("error: Kafka refused the credentials (SaslAuthenticationException")
                .endsWith("check sasl.jaas.config and sasl.mechanism in " + file);
        List<String> printed = new ArrayList<>(List.of(run.out(), run.err()));
        assertThat(printed).allSatisfy(text -> assertThat(text).doesNotContain(WRONG_PASSWORD, PASSWORD));
    }

    private static void writePng(Path file) throws Exception {
        Files.createDirectories(file.getParent());
        BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        ImageIO.write(image, "png", file.toFile());
    }
}
