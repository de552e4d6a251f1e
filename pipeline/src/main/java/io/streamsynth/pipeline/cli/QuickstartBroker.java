package io.streamsynth.pipeline.cli;

import io.streamsynth.pipeline.job.JobConfig;
import io.streamsynth.pipeline.kafka.EmbeddedKafka;
import io.streamsynth.pipeline.kafka.TopicSetup;
import java.nio.file.Path;
import java.util.Map;

/**
 * The quickstart's Kafka: one in-JVM KRaft broker whose data lives in the run's folder
 * ({@link QuickstartDirs#kafka}), with the job's topics created the way {@code train
 * --create-topics} creates them ({@link #DEFAULT_PARTITIONS} partitions unless told otherwise, the job's
 * record and chunk limits).
 */
final class QuickstartBroker implements AutoCloseable {
    /**
     * Partitions of the images and embeddings topics by default. One, so that the quickstart's figures repeat
     * to the last digit: its job runs at parallelism 1, and one source reading two partitions takes the
     * samples in the order records happen to arrive, which changed every batch and moved the final zero-shot
     * Recall@1 by about a point from run to run (0.7415 to 0.7655 over eight idle runs of seed 1 at two
     * partitions; one partition: 0.7590, 0.7825, 0.7600 for seeds 1 to 3; docs/BENCHMARKS.md section 4).
     * {@code --partitions 2} and up show keyed partitioning over several.
     */
    static final int DEFAULT_PARTITIONS = 1;

    private final EmbeddedKafka kafka;

    private QuickstartBroker(EmbeddedKafka kafka) {
        this.kafka = kafka;
    }

    static QuickstartBroker start(Path dataDir) throws Exception {
        return new QuickstartBroker(EmbeddedKafka.start(Map.of(), dataDir));
    }

    String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** Creates the topics {@code config} names, sized by its limits, the partitioned ones with {@code partitions}. */
    void createTopics(JobConfig config, int partitions) throws Exception {
        kafka.createTopics(TopicSetup.topics(config.topics(), partitions, config.limits().maxEventBytes(),
                config.maxChunkBytes()));
    }

    /** Stops the broker; the job's Kafka clients must be gone first. */
    @Override
    public void close() throws Exception {
        kafka.close();
    }
}
