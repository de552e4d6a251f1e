package io.streamsynth.pipeline.job;

import io.streamsynth.operators.batch.BatchPolicy;
import io.streamsynth.operators.decode.EventLimits;
import io.streamsynth.operators.dedup.DuplicateSettings;
import io.streamsynth.operators.embed.EmbedderSettings;
import io.streamsynth.operators.train.TrainerSettings;
import io.streamsynth.pipeline.kafka.SecretRedaction;
import io.streamsynth.pipeline.kafka.Topics;
import java.io.Serializable;
import java.time.Duration;
import java.util.Properties;

/**
 * Everything the streaming job needs, validated once at start-up.
 *
 * @param bootstrapServers   Kafka bootstrap servers
 * @param kafkaProperties    client properties passed to every source and sink (TLS, SASL, ...)
 * @param topics             topic names
 * @param groupId            consumer group of the images source
 * @param transactionalIdPrefix prefix of the sinks' transactional ids (unique per job)
 * @param limits             event and image limits of the decoder
 * @param heldOutShare       share of items kept out of training for evaluation
 * @param batches            batch building policy
 * @param trainer            training and publishing, and the image spec every catalog's images go through
 * @param embedder           embedding
 * @param checkpointInterval Flink checkpoint interval (also how often results become visible to read_committed readers)
 * @param maxChunkBytes      checkpoint chunk size on the checkpoints topic
 * @param duplicates         how long and how many event ids are remembered to drop producers' retries
 */
public record JobConfig(String bootstrapServers, Properties kafkaProperties, Topics topics, String groupId,
        String transactionalIdPrefix, EventLimits limits, double heldOutShare, BatchPolicy batches,
        TrainerSettings trainer, EmbedderSettings embedder, Duration checkpointInterval, int maxChunkBytes,
        DuplicateSettings duplicates) implements Serializable {

    /** With the default duplicate settings. */
    public JobConfig(String bootstrapServers, Properties kafkaProperties, Topics topics, String groupId,
            String transactionalIdPrefix, EventLimits limits, double heldOutShare, BatchPolicy batches,
            TrainerSettings trainer, EmbedderSettings embedder, Duration checkpointInterval, int maxChunkBytes) {
        this(bootstrapServers, kafkaProperties, topics, groupId, transactionalIdPrefix, limits, heldOutShare, batches,
                trainer, embedder, checkpointInterval, maxChunkBytes, DuplicateSettings.defaults());
    }

    public JobConfig {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrap-servers is required");
        }
        if (groupId == null || groupId.isBlank()) {
            throw new IllegalArgumentException("group-id must not be empty");
        }
        if (transactionalIdPrefix == null || transactionalIdPrefix.isBlank()) {
            throw new IllegalArgumentException("transactional-id-prefix must not be empty");
        }
        if (!(heldOutShare >= 0 && heldOutShare <= 0.5)) {
            throw new IllegalArgumentException("held-out-share must be within 0..0.5, got " + heldOutShare);
        }
        if (checkpointInterval.toMillis() < 100) {
            throw new IllegalArgumentException("checkpoint-interval must be at least 100ms, got " + checkpointInterval);
        }
        if (maxChunkBytes < 1024 || maxChunkBytes > 64 * 1024 * 1024) {
            throw new IllegalArgumentException("checkpoint-chunk-bytes must be within 1KiB..64MiB, got " + maxChunkBytes);
        }
        if (duplicates == null) {
            throw new IllegalArgumentException("duplicate settings must not be null");
        }
        kafkaProperties = copy(kafkaProperties);
    }

    private static Properties copy(Properties p) {
        Properties out = new Properties();
        if (p != null) {
            out.putAll(p);
        }
        return out;
    }

    @Override
    public Properties kafkaProperties() {
        return copy(kafkaProperties);
    }

    /** A record would print every field as is; the client properties may hold passwords, so theirs are masked. */
    @Override
    public String toString() {
        return "JobConfig[bootstrapServers=" + bootstrapServers + ", kafkaProperties="
                + SecretRedaction.redacted(kafkaProperties) + ", topics=" + topics + ", groupId=" + groupId
                + ", transactionalIdPrefix=" + transactionalIdPrefix + ", limits=" + limits + ", heldOutShare="
                + heldOutShare + ", batches=" + batches + ", trainer=" + trainer + ", embedder=" + embedder
                + ", checkpointInterval=" + checkpointInterval + ", maxChunkBytes=" + maxChunkBytes + "]";
    }
}
