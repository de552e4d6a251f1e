package io.streamsynth.pipeline.cli;

import io.streamsynth.pipeline.job.FlinkEnvironments;
import io.streamsynth.pipeline.job.JobConfig;
import io.streamsynth.pipeline.job.LocalJobRunner;
import io.streamsynth.pipeline.job.SlotGroups;
import io.streamsynth.pipeline.job.SinkProducerSettings;
import io.streamsynth.pipeline.job.StreamsynthJob;
import io.streamsynth.pipeline.kafka.JobKafkaSettings;
import io.streamsynth.pipeline.kafka.JobSettingsCheck;
import io.streamsynth.pipeline.kafka.KafkaPreflight;
import io.streamsynth.pipeline.kafka.TopicCreator;
import io.streamsynth.pipeline.kafka.TopicSetup;
import io.streamsynth.pipeline.kafka.Topics;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.NewTopic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The streaming job against a real Kafka and a real Flink cluster. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs the streaming job: images topic -> decode -> class-balanced batches -> training with "
                + "synthetic hard negatives -> checkpoints and embeddings topics, exactly once.",
            "On a Flink cluster:",
            "  flink run -c io.streamsynth.pipeline.Main streamsynth.jar train --bootstrap-servers kafka:9092 ...",
            "Started any other way, the job runs inside this JVM.",
            "Every option can also come from an argument file, one option or value per line:",
            "  streamsynth train @job.args"})
public final class TrainCommand implements Callable<Integer> {
    @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT[,...]",
            description = "Kafka bootstrap servers.")
    String bootstrapServers;

    @Option(names = "--checkpoint-dir", paramLabel = "URI",
            description = "Where Flink keeps checkpoints, e.g. s3://bucket/streamsynth or file:///data/ckpt "
                    + "(default: the cluster's state.checkpoints.dir).")
    String checkpointDir;

    @Option(names = "--create-topics", description = "Create the six topics first where they do not exist yet.")
    boolean createTopics;

    @Option(names = "--partitions", description = "With --create-topics: partitions of the images and embeddings "
            + "topics (default: ${DEFAULT-VALUE}).")
    int partitions = 2;

    @Option(names = "--replication-factor", description = "With --create-topics: replicas per partition "
            + "(default: the brokers' default.replication.factor).")
    Short replicationFactor;

    @Option(names = "--job-name", description = "Flink job name; also the default --transactional-id-prefix "
            + "(default: ${DEFAULT-VALUE}).")
    String jobName = "streamsynth";

    @Option(names = "--parallelism", description = "Parallelism of the job's operators (default: flink run's -p, "
            + "else the cluster's parallelism.default).")
    Integer parallelism;

    @Option(names = "--trainer-slot-group", paramLabel = "NAME", description = "Flink slot-sharing group of the "
            + "batch builder and trainer (default: ${DEFAULT-VALUE}, Flink's own); name it apart from "
            + "--embedder-slot-group to run trainer and embedder in different slots, and so, with one slot per "
            + "TaskManager, on different TaskManagers and GPUs (README, \"Trainer and embedder on their own "
            + "TaskManagers\").")
    String trainerSlotGroup = SlotGroups.DEFAULT;

    @Option(names = "--embedder-slot-group", paramLabel = "NAME", description = "Flink slot-sharing group of the "
            + "embedder and the version markers (default: ${DEFAULT-VALUE}).")
    String embedderSlotGroup = SlotGroups.DEFAULT;

    @Mixin
    JobOptions job = new JobOptions();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        // everything is validated before anything is created or submitted
        JobConfig config = job.toConfig(bootstrapServers, jobName);
        SlotGroups slotGroups = new SlotGroups(trainerSlotGroup, embedderSlotGroup);
        String checkpoints = checkpointDir == null ? null : checkpointUri(checkpointDir);
        if (partitions < 1) {
            throw new IllegalArgumentException("--partitions must be at least 1, got " + partitions);
        }
        if (replicationFactor != null && replicationFactor < 1) {
            throw new IllegalArgumentException("--replication-factor must be at least 1, got " + replicationFactor);
        }
        if (parallelism != null && parallelism < 1) {
            throw new IllegalArgumentException("--parallelism must be at least 1, got " + parallelism);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        if (parallelism != null) {
            env.setParallelism(parallelism);
        }
        // a refused password, a missing topic or settings that cannot work together fail here in one
        // line each, not as a job that retries forever; topics it creates follow the job's own limits
        Topics topics = config.topics();
        KafkaPreflight preflight = new KafkaPreflight(bootstrapServers, config.kafkaProperties(),
                KafkaClientOptions.source(job.kafkaProperties), KafkaPreflight.DEFAULT_TIMEOUT);
        List<String> names = topics.all();
        if (createTopics) {
            preflight.check(List.of());
            TopicCreator.Outcome outcome = TopicCreator.createMissing(bootstrapServers, config.kafkaProperties(),
                    withReplication(TopicSetup.topics(topics, partitions, config.limits().maxEventBytes(),
                            config.maxChunkBytes()), replicationFactor));
            spec.commandLine().getOut().printf("topics created: %s; already there: %s%n", outcome.created(),
                    outcome.existing());
        }
        JobKafkaSettings settings = SinkProducerSettings.kafkaSettings(config, env.getParallelism(),
                KafkaClientOptions.source(job.kafkaProperties));
        JobSettingsCheck check = new JobSettingsCheck(settings,
                JobSettingsCheck.defaultObservation(config.checkpointInterval()));
        preflight.check(names, check);
        for (String skipped : check.skipped()) {
            spec.commandLine().getErr().println("note: not compared, the cluster denied reading " + skipped);
        }
        // the URI goes in as given: FlinkEnvironments takes a local Path, which cannot say s3:// or hdfs://
        Configuration conf = FlinkEnvironments.stateConfig(null);
        if (checkpoints != null) {
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints);
        }
        env.configure(conf);
        StreamsynthJob.build(env, config, true, slotGroups);
        if (env instanceof LocalStreamEnvironment) {
            // started outside `flink run`: the job runs on a MiniCluster in this JVM until it ends
            try (LocalJobRunner local = LocalJobRunner.start(env, jobName)) {
                local.awaitTermination();
            }
        } else {
            // under `flink run` the client's environment knows attached, detached and application mode
            env.execute(jobName);
        }
        return 0;
    }

    /** A URI with a scheme as given; a bare path as the file: URI of its absolute form. */
    static String checkpointUri(String value) {
        try {
            URI uri = new URI(value);
            if (uri.getScheme() != null && uri.getScheme().length() > 1) {
                return uri.toString();
            }
        } catch (URISyntaxException e) {
            // not a URI; perhaps a plain path
        }
        try {
            return Path.of(value).toAbsolutePath().toUri().toString();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--checkpoint-dir must be a URI such as s3://bucket/path or a path, "
                    + "got '" + value + "'");
        }
    }

    /** TopicSetup's topics with the replication this cluster should have rather than its single replica. */
    private static List<NewTopic> withReplication(List<NewTopic> topics, Short replicationFactor) {
        return topics.stream().map(t -> {
            NewTopic copy = new NewTopic(t.name(), Optional.of(t.numPartitions()),
                    Optional.ofNullable(replicationFactor));
            return t.configs() == null ? copy : copy.configs(t.configs());
        }).toList();
    }
}
