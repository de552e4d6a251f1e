package io.streamsynth.pipeline.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.model.checkpoint.Checkpoint;
import io.streamsynth.pipeline.cli.JobOptions;
import io.streamsynth.pipeline.kafka.CapturedLogs;
import io.streamsynth.pipeline.kafka.ImageEventProducer;
import io.streamsynth.pipeline.kafka.PipelineWatcher;
import io.streamsynth.pipeline.kafka.SaslKafka;
import io.streamsynth.pipeline.kafka.TopicSetup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The whole job against a broker whose only client listener is SASL_PLAINTEXT, with the client
 * settings read from a properties file by the same options {@code train} parses: the source and
 * all three sinks must have received them, or nothing would be trained, published or dead-lettered.
 * The run's logs (at INFO), the published checkpoints and the printed configuration must not hold
 * the password.
 */
class SaslStreamingJobIT {
    private static final int CLASSES = 6;
    private static final int ITEMS = 300;
    private static final String USER = "streamsynth";

    @TempDir
    Path dir;

    @Test
    @Timeout(300)
    void trainsPublishesAndDeadLettersThroughSaslWithoutThePasswordInLogsOrMetadata() throws Exception {
        String password = "secret-" + UUID.randomUUID();
        try (SaslKafka kafka = SaslKafka.start(USER, password); CapturedLogs logs = CapturedLogs.atInfo()) {
            Path file = SaslKafka.writeClientProperties(dir.resolve("client.properties"), USER, password);
            JobOptions options = new JobOptions();
            new CommandLine(options).parseArgs("--kafka-properties", file.toString(), "--embedding-size", "16",
                    "--base-filters", "8", "--loss", "triplet", "--synthesis", "ee", "--classes-per-batch", "4",
                    "--samples-per-class", "4", "--fresh-per-batch", "8", "--publish-every-steps", "10",
                    "--publish-interval", "2", "--held-out-share", "0.15", "--checkpoint-interval", "1",
                    "--embed-batch-size", "128", "--embed-max-delay-ms", "100", "--device", "cpu", "--seed", "3",
                    "--group-id", "sasl-group", "--transactional-id-prefix", "sasl");
            JobConfig config = options.toConfig(kafka.bootstrapServers());
            Properties client = options.clientProperties();
            kafka.createTopics(TopicSetup.topics(config.topics(), 2));

            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(
                    FlinkEnvironments.stateConfig(dir.resolve("checkpoints")));
            env.setParallelism(1);
            StreamsynthJob.build(env, config);
            LocalJobRunner job = LocalJobRunner.start(env, "sasl");
            long versions;
            try (ImageEventProducer producer = new ImageEventProducer(kafka.bootstrapServers(), client,
                    config.topics().images());
                    PipelineWatcher watcher = new PipelineWatcher(kafka.bootstrapServers(), client, config.topics())) {
                GeneratedCatalog.send(producer, 0, ITEMS, CLASSES);
                producer.sendRaw("broken", "{not json".getBytes(StandardCharsets.UTF_8));
                producer.flush();

                long newest = Waiting.untilQuietAndEmbedded(watcher, ITEMS, Duration.ofSeconds(240));

                // the gate may keep serving version 0 (its held-out figures are on few items here)
                assertThat(newest).as("the served version").isNotNegative();
                assertThat(watcher.newestCheckpoint().orElseThrow().metadata().modelVersion())
                        .as("model versions trained and published through the checkpoints sink").isPositive();
                assertThat(watcher.newestEmbeddings()).as("items embedded through the embeddings sink")
                        .hasSize(ITEMS);
                assertThat(watcher.deadLetters()).as("the broken event, through the dead-letter sink").isEqualTo(1);

                versions = watcher.checkpoints().size();
                for (Checkpoint c : watcher.checkpoints()) {
                    assertThat(new String(c.metadata().toJson(), StandardCharsets.UTF_8))
                            .as("published metadata of version %d", c.metadata().modelVersion())
                            .doesNotContain(password);
                }
            } finally {
                job.close();
            }

            assertThat(config.toString()).contains("sasl.jaas.config=****").doesNotContain(password);
            assertThat(env.getConfig().toString()).doesNotContain(password);
            assertThat(env.getConfig().getGlobalJobParameters().toMap().toString()).doesNotContain(password);
            assertThat(env.getConfiguration().toString()).doesNotContain(password);
            String logged = logs.text();
            // Kafka clients print their configuration at INFO: the capture must have seen the secret's key masked
            assertThat(logged).as("INFO logs of the run").contains("sasl.jaas.config = [hidden]")
                    .doesNotContain(password);
            System.err.printf("sasl run: %d model versions, %d log lines at INFO captured, none with the password%n",
                    versions, logged.lines().count());
        }
    }
}
