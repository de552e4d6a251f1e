package io.streamsynth.bench.cli;

import io.streamsynth.model.checkpoint.Checkpoint;
import io.streamsynth.model.checkpoint.CheckpointCodec;
import io.streamsynth.model.checkpoint.CheckpointMetadata;
import io.streamsynth.operators.kafka.AssembledCheckpoint;
import io.streamsynth.operators.kafka.CheckpointAssembler;
import io.streamsynth.operators.kafka.VersionMarkerJson;
import io.streamsynth.operators.types.VersionMarker;
import io.streamsynth.pipeline.cli.JobOptions;
import io.streamsynth.pipeline.job.FlinkEnvironments;
import io.streamsynth.pipeline.job.JobConfig;
import io.streamsynth.pipeline.job.LocalJobRunner;
import io.streamsynth.pipeline.job.StreamsynthJob;
import io.streamsynth.pipeline.kafka.EmbeddedKafka;
import io.streamsynth.pipeline.kafka.TopicSetup;
import io.streamsynth.pipeline.kafka.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What the streaming benchmarks share: one in-JVM broker, and runs of the real job on a
 * MiniCluster without Web UI, each run with its own output topics, consumer group and
 * transactional ids so runs over the same input never see each other's results.
 */
final class StreamingRig implements AutoCloseable {
    static final String IMAGES_TOPIC = "images";

    private final EmbeddedKafka kafka;
    private final Path workDir;
    private int runs;

    private StreamingRig(EmbeddedKafka kafka, Path workDir) {
        this.kafka = kafka;
        this.workDir = workDir;
    }

    static StreamingRig start(int imagePartitions) throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.start();
        try {
            // images and the (empty) catalog settings topic are the runs' common inputs
            Topics names = topicsOf(0);
            kafka.createTopics(TopicSetup.topics(names, imagePartitions).stream()
                    .filter(t -> t.name().equals(names.images()) || t.name().equals(names.catalogs())).toList());
            return new StreamingRig(kafka, Files.createTempDirectory("streamsynth-bench"));
        } catch (Exception e) {
            kafka.close();
            throw e;
        }
    }

    String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    private static Topics topicsOf(int run) {
        return new Topics(IMAGES_TOPIC, "checkpoints-" + run, "embeddings-" + run, "dead-letters-" + run,
                "embedding-versions-" + run);
    }

    /** The job's settings against this rig's broker: the flags given over the job's defaults. */
    JobConfig configure(JobOptions options) throws Exception {
        return options.toConfig(kafka.bootstrapServers());
    }

    /** The job {@code settings} describe, started on its own topics and reading the images topic from its beginning. */
    Run startJob(JobConfig settings, boolean withEmbedder) throws Exception {
        int run = ++runs;
        Topics topics = topicsOf(run);
        kafka.createTopics(TopicSetup.topics(topics, 1).subList(1, 5));
        JobConfig config = settings.toBuilder().topics(topics).groupId("bench-" + run)
                .transactionalIdPrefix("bench-" + run + "-" + UUID.randomUUID()).build();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1,
                FlinkEnvironments.stateConfig(workDir.resolve("run-" + run)));
        StreamsynthJob.build(env, config, withEmbedder);
        LocalJobRunner job = LocalJobRunner.start(env, "streamsynth bench run " + run);
        return new Run(job, new CheckpointFeed(kafka.bootstrapServers(), config.kafkaProperties(),
                topics.checkpoints(), topics.versions()), System.currentTimeMillis(), config);
    }

    /**
     * A running job and the checkpoints it published so far.
     *
     * @param config the settings it runs with: its own topics, consumer group and transactional ids
     */
    record Run(LocalJobRunner job, CheckpointFeed feed, long startedAtMillis, JobConfig config)
            implements AutoCloseable {
        /** Cancels the job and waits until it is gone, so its Kafka clients stop before the broker. */
        @Override
        public void close() {
            feed.close();
            job.close();
        }
    }

    /**
     * The metadata of every checkpoint on one topic and the version markers on another, as a
     * read_committed consumer sees them: the metadata of each and the newest checkpoint whole are kept,
     * and the embeddings topic is never read, so watching costs the job next to nothing of the CPU it is measured on.
     */
    static final class CheckpointFeed implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final CheckpointAssembler assembler = new CheckpointAssembler(4);
        private final List<CheckpointMetadata> published = new ArrayList<>();
        private final List<VersionMarker> markers = new ArrayList<>();
        private final String versionsTopic;
        /** The last checkpoint read, whole (weights and optimizer state), for benches that evaluate it. */
        private Checkpoint newest;

        CheckpointFeed(String bootstrapServers, Properties clientProperties, String topic, String versionsTopic) {
            this.versionsTopic = versionsTopic;
            Properties p = new Properties();
            p.putAll(clientProperties);
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-feed-" + UUID.randomUUID());
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            consumer = new KafkaConsumer<>(p);
            consumer.subscribe(List.of(topic, versionsTopic));
        }

        /** Reads what arrived within {@code timeout}; returns how many new checkpoints that was. */
        int poll(Duration timeout) {
            int before = published.size();
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
                if (r.topic().equals(versionsTopic)) {
                    markers.add(VersionMarkerJson.decode(r.value()));
                    continue;
                }
                Optional<AssembledCheckpoint> done = assembler.accept(r);
                if (done.isPresent()) {
                    newest = CheckpointCodec.decode(done.get().bytes());
                    published.add(newest.metadata());
                }
            }
            return published.size() - before;
        }

        List<CheckpointMetadata> published() {
            return published;
        }

        /** The last checkpoint read, weights included; null before the first. */
        Checkpoint newest() {
            return newest;
        }

        /** The version markers read so far, in topic order. */
        List<VersionMarker> markers() {
            return markers;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    @Override
    public void close() throws Exception {
        kafka.close();
    }
}
