package io.streamsynth.pipeline.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamsynth.model.checkpoint.Checkpoint;
import io.streamsynth.model.data.ImageDecoder;
import io.streamsynth.pipeline.cli.CommandRun;
import io.streamsynth.pipeline.cli.JobOptions;
import io.streamsynth.pipeline.kafka.PipelineWatcher;
import io.streamsynth.pipeline.kafka.TopicCreator;
import io.streamsynth.pipeline.kafka.TopicSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;

/**
 * The whole product over one secured listener, configured only by a client properties file as a
 * user passes it with {@code --kafka-properties}: {@code train}'s topic creation and job (source
 * and three exactly-once sinks), {@code produce} from an image folder, a read_committed watcher,
 * then {@code evaluate} and {@code export} on what the job published. Used by the TLS and the
 * SCRAM-over-TLS tests, which differ only in the listener and the file.
 */
final class SecuredPipelineRun {
    static final int CLASSES = 4;
    static final int PER_CLASS = 40;
    static final int ITEMS = CLASSES * PER_CLASS;

    /** What a run produced, for the caller's figures. */
    record Outcome(long newestVersion, long versions, long seconds) {}

    private SecuredPipelineRun() {}

    /**
     * Runs everything and asserts each step; {@code secret} (or null) must appear in no command's output.
     *
     * @param prefix distinguishes this run's consumer group and transactional ids
     */
    static Outcome run(String bootstrapServers, Path clientFile, Path dir, String prefix, String secret)
            throws Exception {
        long start = System.nanoTime();
        JobOptions options = new JobOptions();
        new CommandLine(options).parseArgs("--kafka-properties", clientFile.toString(), "--embedding-size", "16",
                "--base-filters", "8", "--loss", "triplet", "--synthesis", "ee", "--classes-per-batch", "4",
                "--samples-per-class", "4", "--fresh-per-batch", "8", "--publish-every-steps", "10",
                "--publish-interval", "2", "--held-out-share", "0.15", "--checkpoint-interval", "1",
                "--embed-batch-size", "128", "--embed-max-delay-ms", "100", "--device", "cpu", "--seed", "3",
                "--group-id", prefix + "-group", "--transactional-id-prefix", prefix);
        JobConfig config = options.toConfig(bootstrapServers);
        Properties client = options.clientProperties();
        // what train --create-topics does, through the same client settings
        TopicCreator.createMissing(bootstrapServers, client, TopicSetup.topics(config.topics(), 2));
        Path images = writeImageFolder(dir.resolve("images"));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(
                FlinkEnvironments.stateConfig(dir.resolve("checkpoints")));
        env.setParallelism(1);
        StreamsynthJob.build(env, config);
        LocalJobRunner job = LocalJobRunner.start(env, prefix);
        long newest;
        long versions;
        try (PipelineWatcher watcher = new PipelineWatcher(bootstrapServers, client, config.topics())) {
            CommandRun produce = succeeds(secret, "produce", "--bootstrap-servers", bootstrapServers,
                    "--kafka-properties", clientFile.toString(), "--image-folder", images.toString(), "--catalog",
                    "secured");
            assertThat(produce.out()).contains("sent " + ITEMS + " events");

            newest = Waiting.untilQuietAndEmbedded(watcher, ITEMS, Duration.ofSeconds(240));

            assertThat(watcher.newestEmbeddings()).as("items embedded through the embeddings sink").hasSize(ITEMS);
            assertThat(watcher.deadLetters()).as("dead letters").isZero();
            versions = watcher.checkpoints().stream().map(Checkpoint::metadata)
                    .filter(m -> m.catalog().equals("secured")).count();
            assertThat(versions).as("versions published through the checkpoints sink").isPositive();
        } finally {
            // nothing may change while the commands read, so that they must report the watcher's version
            job.close();
        }

        CommandRun evaluate = succeeds(secret, "evaluate", "--bootstrap-servers", bootstrapServers,
                "--kafka-properties", clientFile.toString(), "--catalog", "secured");
        JsonNode scores = new ObjectMapper().readTree(evaluate.out());
        assertThat(scores.get("version").asLong()).isEqualTo(newest);
        assertThat(scores.get("items").asInt()).isEqualTo(ITEMS);

        Path model = dir.resolve("model");
        CommandRun export = succeeds(secret, "export", "--bootstrap-servers", bootstrapServers,
                "--kafka-properties", clientFile.toString(), "--catalog", "secured", "--out", model.toString());
        assertThat(export.out()).startsWith("exported catalog secured version " + newest + " ");
        JsonNode metadata = new ObjectMapper().readTree(Files.readString(Path.of(model + ".json")));
        assertThat(metadata.get("model_version").asLong()).isEqualTo(newest);
        assertThat(Files.size(Path.of(model + ".safetensors"))).isPositive();
        return new Outcome(newest, versions, (System.nanoTime() - start) / 1_000_000_000L);
    }

    /** Runs a command that must exit 0 without printing {@code secret} (when not null). */
    private static CommandRun succeeds(String secret, String... args) {
        CommandRun run = CommandRun.of(args);
        assertThat(run.exitCode()).as(args[0] + ": " + run.err()).isZero();
        if (secret != null) {
            assertThat(run.out() + run.err()).as(args[0] + " output").doesNotContain(secret);
        }
        return run;
    }

    /** One folder per class with {@link #PER_CLASS} generated PNGs each, the layout produce --image-folder reads. */
    private static Path writeImageFolder(Path root) throws Exception {
        for (int label = 0; label < CLASSES; label++) {
            Path folder = Files.createDirectories(root.resolve("class-" + label));
            for (int i = 0; i < PER_CLASS; i++) {
                int item = label * PER_CLASS + i;
                Files.write(folder.resolve(String.format("%03d.png", i)), ImageDecoder.encodePng(1,
                        GeneratedCatalog.SIZE, GeneratedCatalog.SIZE, GeneratedCatalog.pixels(label, item)));
            }
        }
        return root;
    }
}
