package io.streamsynth.pipeline.job;

import io.streamsynth.pipeline.kafka.JobKafkaSettings;
import io.streamsynth.pipeline.kafka.TopicSetup;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The producer properties of the job's four transactional sinks: the client properties, plus a
 * transaction timeout and a request size where the client properties set none. One place, so the
 * job and the pre-flight's {@code JobSettingsCheck} compare the same numbers.
 */
public final class SinkProducerSettings {
    /**
     * Transaction timeout the sinks ask for unless the client properties set one: above Flink's
     * checkpoint interval plus the time a checkpoint may take, below Kafka's default
     * {@code transaction.max.timeout.ms} of 15 min.
     */
    public static final long DEFAULT_TRANSACTION_TIMEOUT_MS = 600_000;

    private SinkProducerSettings() {}

    /** The client properties with the sinks' defaults filled in. */
    public static Properties of(JobConfig c) {
        Properties producer = c.kafkaProperties();
        producer.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Long.toString(DEFAULT_TRANSACTION_TIMEOUT_MS));
        producer.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(largestRecordBytes(c)));
        return producer;
    }

    /**
     * The largest record a sink writes, with Kafka's framing: a checkpoint chunk, or a dead letter
     * that repeats an images record whole (up to what the images topic made by
     * {@link TopicSetup} accepts).
     */
    public static int largestRecordBytes(JobConfig c) {
        return Math.max(TopicSetup.deadLettersMaxMessageBytes(TopicSetup.imagesMaxMessageBytes(
                c.limits().maxEventBytes())), c.maxChunkBytes() + TopicSetup.RECORD_OVERHEAD_BYTES);
    }

    /** The settings of {@code config} as its sinks will see them, for the pre-flight's {@code JobSettingsCheck}. */
    public static JobKafkaSettings kafkaSettings(JobConfig config, int parallelism, String propertiesSource) {
        Properties producer = of(config);
        return new JobKafkaSettings(config.topics(), config.transactionalIdPrefix(), transactionTimeoutMs(producer),
                maxRequestSize(producer), config.checkpointInterval(), config.maxChunkBytes(),
                config.limits().maxEventBytes(), parallelism, propertiesSource);
    }

    /** The sinks' transaction timeout in milliseconds. */
    public static long transactionTimeoutMs(Properties producer) {
        return parse(producer, ProducerConfig.TRANSACTION_TIMEOUT_CONFIG);
    }

    /** The sinks' {@code max.request.size} in bytes. */
    public static long maxRequestSize(Properties producer) {
        return parse(producer, ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
    }

    private static long parse(Properties p, String key) {
        String value = String.valueOf(p.get(key)).trim();
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " in the Kafka client properties must be a whole number, got '"
                    + value + "'");
        }
    }
}
