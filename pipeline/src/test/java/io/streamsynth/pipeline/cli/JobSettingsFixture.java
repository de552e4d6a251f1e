package io.streamsynth.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.pipeline.job.JobConfig;
import io.streamsynth.pipeline.job.SinkProducerSettings;
import io.streamsynth.pipeline.kafka.EmbeddedKafka;
import io.streamsynth.pipeline.kafka.JobSettingsCheck;
import io.streamsynth.pipeline.kafka.KafkaPreflight;
import io.streamsynth.pipeline.kafka.TopicSetup;
import io.streamsynth.pipeline.kafka.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.NewTopic;
import picocli.CommandLine;

/** Topics and job flags for the pre-flight's settings checks: the refusal through `train`, the pass through the check. */
final class JobSettingsFixture {
    private JobSettingsFixture() {}

    /** The job's six topics under a fresh name, as --create-topics makes them, with some settings changed. */
    static Topics topics(EmbeddedKafka kafka, int imagesPartitions, Map<String, Map<String, String>> changed)
            throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        Topics t = new Topics("images-" + id, "checkpoints-" + id, "embeddings-" + id, "dead-letters-" + id,
                "embedding-versions-" + id, "catalogs-" + id);
        List<NewTopic> topics = new ArrayList<>();
        for (NewTopic made : TopicSetup.topics(t, 1)) {
            int partitions = made.name().equals(t.images()) ? imagesPartitions : made.numPartitions();
            Map<String, String> configs = new java.util.HashMap<>(made.configs() == null ? Map.of() : made.configs());
            configs.putAll(changed.getOrDefault(kind(t, made.name()), Map.of()));
            configs.values().removeIf(v -> v == null || v.isEmpty());
            topics.add(new NewTopic(made.name(), partitions, (short) 1).configs(configs));
        }
        kafka.createTopics(topics);
        return t;
    }

    private static String kind(Topics t, String name) {
        return name.equals(t.images()) ? "images" : name.equals(t.checkpoints()) ? "checkpoints"
                : name.equals(t.embeddings()) ? "embeddings" : name.equals(t.versions()) ? "versions"
                : name.equals(t.catalogs()) ? "catalogs" : "dead-letters";
    }

    /** `train` against these topics with extra flags: what a user would run. */
    static CommandRun train(EmbeddedKafka kafka, Topics t, String... flags) {
        List<String> args = new ArrayList<>(List.of("train", "--bootstrap-servers", kafka.bootstrapServers(),
                "--images-topic", t.images(), "--checkpoints-topic", t.checkpoints(), "--embeddings-topic",
                t.embeddings(), "--dead-letter-topic", t.deadLetters(), "--versions-topic", t.versions(),
                "--catalogs-topic", t.catalogs()));
        args.addAll(List.of(flags));
        if (!args.contains("--parallelism")) {
            // not the machine's cores: the topics have one images partition unless a test says otherwise
            args.addAll(List.of("--parallelism", "1"));
        }
        return CommandRun.of(args.toArray(new String[0]));
    }

    /** The pre-flight `train` runs, without submitting anything afterwards. */
    static void check(EmbeddedKafka kafka, Topics t, int parallelism, String... flags) throws Exception {
        JobOptions options = new JobOptions();
        List<String> args = new ArrayList<>(List.of("--images-topic", t.images(), "--checkpoints-topic",
                t.checkpoints(), "--embeddings-topic", t.embeddings(), "--dead-letter-topic", t.deadLetters(),
                "--versions-topic", t.versions(), "--catalogs-topic", t.catalogs()));
        args.addAll(List.of(flags));
        new CommandLine(options).parseArgs(args.toArray(new String[0]));
        JobConfig config = options.toConfig(kafka.bootstrapServers());
        new KafkaPreflight(kafka.bootstrapServers(), config.kafkaProperties(), "client.properties",
                Duration.ofSeconds(20)).check(t.all(),
                        new JobSettingsCheck(SinkProducerSettings.kafkaSettings(config, parallelism, "client.properties"),
                                Duration.ofSeconds(2)));
    }

    /** Exit code 2 and exactly one line on stderr, holding every fragment. */
    static void assertRefusedInOneLine(CommandRun run, String... fragments) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        String err = run.err().strip();
        assertThat(err).as("one line").doesNotContain("\n").startsWith("error: ");
        assertThat(err).contains(fragments);
    }
}
