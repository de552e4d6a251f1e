package io.streamsynth.pipeline.kafka;

import java.time.Duration;

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
}
