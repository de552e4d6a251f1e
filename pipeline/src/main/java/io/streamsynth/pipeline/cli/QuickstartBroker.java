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
     * Partitions of the images and embeddings topics by default: enough to show keyed partitioning, few for
     * two cores. The source reads the partitions as records arrive, so with two the order of the samples
     * (and every batch) changes from run to run; with one, runs repeat (docs/BENCHMARKS.md section 4).
     */
    static final int DEFAULT_PARTITIONS = 2;

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
