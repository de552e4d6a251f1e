package io.streamsynth.pipeline.kafka;

import io.streamsynth.pipeline.job.JobConfig;
import io.streamsynth.pipeline.job.SinkProducerSettings;
import io.streamsynth.pipeline.job.Topics;
import java.time.Duration;
import java.util.Properties;

/**
 * What the streaming job will ask of Kafka, as the {@link JobSettingsCheck} compares it with the
 * brokers and topics: the numbers the sinks and the source will really use, defaults filled in.
 *
 * @param topics                the job's five topics
 * @param transactionalIdPrefix prefix of the sinks' transactional ids
 * @param transactionTimeoutMs  the sinks' {@code transaction.timeout.ms}
 * @param maxRequestSize        the sinks' {@code max.request.size}, bytes
 * @param checkpointInterval    {@code --checkpoint-interval}: how long a sink's transaction stays open at least
 * @param maxChunkBytes         {@code --checkpoint-chunk-bytes}
 * @param maxEventBytes         {@code --max-event-bytes}
 * @param parallelism           the job's parallelism (subtasks of the images source)
 * @param propertiesSource      where the client properties come from, for messages
 */
public record JobKafkaSettings(Topics topics, String transactionalIdPrefix, long transactionTimeoutMs,
        long maxRequestSize, Duration checkpointInterval, int maxChunkBytes, int maxEventBytes, int parallelism,
        String propertiesSource) {

    /** The settings of {@code config} as its sinks will see them. */
    public static JobKafkaSettings of(JobConfig config, int parallelism, String propertiesSource) {
        Properties producer = SinkProducerSettings.of(config);
        return new JobKafkaSettings(config.topics(), config.transactionalIdPrefix(),
                SinkProducerSettings.transactionTimeoutMs(producer), SinkProducerSettings.maxRequestSize(producer),
                config.checkpointInterval(), config.maxChunkBytes(), config.limits().maxEventBytes(), parallelism,
                propertiesSource);
    }
}
