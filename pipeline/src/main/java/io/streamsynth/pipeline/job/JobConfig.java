package io.streamsynth.pipeline.job;

import io.streamsynth.model.runtime.DeviceSpec;
import io.streamsynth.operators.batch.BatchPolicy;
import io.streamsynth.operators.decode.EventLimits;
import io.streamsynth.operators.dedup.DuplicateSettings;
import io.streamsynth.operators.embed.EmbedderSettings;
import io.streamsynth.operators.settings.CatalogSettings;
import io.streamsynth.operators.settings.CatalogSettingsResolver;
import io.streamsynth.operators.train.IncompatibleStatePolicy;
import io.streamsynth.operators.train.TrainerSettings;
import io.streamsynth.pipeline.kafka.SecretRedaction;
import io.streamsynth.pipeline.kafka.Topics;
import java.io.Serializable;
import java.time.Duration;
import java.util.Properties;

/**
 * Everything the streaming job needs, validated once at start-up: the job's own settings (Kafka, topics,
 * buffers, devices, checkpointing) and the {@link CatalogSettings} every catalog trains with. Built by
 * {@link JobConfigBuilder}, which holds the defaults; the command line, the quickstart, the benchmarks and
 * the tests all build it there.
 *
 * @param bootstrapServers   Kafka bootstrap servers
 * @param kafkaProperties    client properties passed to every source and sink (TLS, SASL, ...)
 * @param topics             topic names
 * @param groupId            consumer group of the images source
 * @param transactionalIdPrefix prefix of the sinks' transactional ids (unique per job)
 * @param limits             event and image limits of the decoder
 * @param duplicates         how long and how many event ids are remembered to drop producers' retries
 * @param catalog            the settings of every catalog
 * @param seed               initial weights and batch choices
 * @param device             where the trainer and the embedder run
 * @param maxSamplesPerClass the batch builder's buffer cap per class
 * @param maxClasses         buffered classes per catalog
 * @param freshPerBatch      new samples that trigger a batch; null: half a batch of the catalog
 * @param heldOutCapacity    held-out items kept per catalog
 * @param evaluationMinItems fewer held-out items than this: no evaluation figures yet
 * @param onIncompatibleState what a restore does with a catalog state the settings cannot take
 * @param embedder           the embedder's batching; its TorchScript module follows the catalog settings
 * @param checkpointInterval Flink checkpoint interval (also how often results become visible to read_committed readers)
 * @param maxChunkBytes      checkpoint chunk size on the checkpoints topic
 * @param publishWhenIdle    a catalog whose batches stopped for this long publishes its unpublished steps at
 *                           once instead of at the end of its publish interval; zero: never (issue 14, part 2)
 */
public record JobConfig(String bootstrapServers, Properties kafkaProperties, Topics topics, String groupId,
        String transactionalIdPrefix, EventLimits limits, DuplicateSettings duplicates, CatalogSettings catalog,
        long seed, DeviceSpec device, int maxSamplesPerClass, int maxClasses, Integer freshPerBatch,
        int heldOutCapacity, int evaluationMinItems, IncompatibleStatePolicy onIncompatibleState,
        EmbedderSettings embedder, Duration checkpointInterval, int maxChunkBytes, Duration publishWhenIdle)
        implements Serializable {

    public JobConfig {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrap-servers is required");
        }
        if (topics == null || limits == null || duplicates == null || catalog == null || device == null
                || onIncompatibleState == null || embedder == null || checkpointInterval == null) {
            throw new IllegalArgumentException("topics, limits, duplicate settings, catalog settings, device, "
                    + "incompatible-state policy, embedder settings and checkpoint interval are required");
        }
        if (groupId == null || groupId.isBlank()) {
            throw new IllegalArgumentException("group-id must not be empty");
        }
        if (transactionalIdPrefix == null || transactionalIdPrefix.isBlank()) {
            throw new IllegalArgumentException("transactional-id-prefix must not be empty");
        }
        if (checkpointInterval.toMillis() < 100) {
            throw new IllegalArgumentException("checkpoint-interval must be at least 100ms, got " + checkpointInterval);
        }
        if (publishWhenIdle == null || publishWhenIdle.isNegative()) {
            throw new IllegalArgumentException("publish-when-idle must not be negative, got " + publishWhenIdle);
        }
        if (maxChunkBytes < 1024 || maxChunkBytes > 64 * 1024 * 1024) {
            throw new IllegalArgumentException("checkpoint-chunk-bytes must be within 1KiB..64MiB, got " + maxChunkBytes);
        }
        kafkaProperties = copy(kafkaProperties);
        // the buffers and the trainer must take the catalog settings: fail here, not on the cluster
        catalog.batches(seed, maxSamplesPerClass, maxClasses, freshPerBatch);
        catalog.trainer(seed, device, heldOutCapacity, evaluationMinItems, onIncompatibleState);
    }

    /** A builder with every setting at its default; the bootstrap servers must be set. */
    public static JobConfigBuilder builder() {
        return new JobConfigBuilder(null);
    }

    /** A builder of a job against these bootstrap servers, every other setting at its default. */
    public static JobConfigBuilder builder(String bootstrapServers) {
        return new JobConfigBuilder(bootstrapServers);
    }

    /** A builder that starts from this configuration. */
    public JobConfigBuilder toBuilder() {
        return JobConfigBuilder.from(this);
    }

    /** The default catalog's share of items kept out of training for evaluation. */
    public double heldOutShare() {
        return catalog.heldOutShare();
    }

    /** The batch builder's policy for the default catalog. */
    public BatchPolicy batches() {
        return catalog.batches(seed, maxSamplesPerClass, maxClasses, freshPerBatch);
    }

    /**
     * Each catalog's settings from its record on the catalogs topic, over these flags (which are the
     * settings of a catalog without a record); the decoder, batch builder and trainer take theirs from it.
     */
    public CatalogSettingsResolver catalogs() {
        return new CatalogSettingsResolver(catalog, seed, device, heldOutCapacity, evaluationMinItems,
                onIncompatibleState, maxSamplesPerClass, maxClasses, freshPerBatch);
    }

    /** The trainer's settings for the default catalog. */
    public TrainerSettings trainer() {
        return catalog.trainer(seed, device, heldOutCapacity, evaluationMinItems, onIncompatibleState);
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
                + ", transactionalIdPrefix=" + transactionalIdPrefix + ", limits=" + limits + ", duplicates="
                + duplicates + ", catalog=" + catalog + ", seed=" + seed + ", device=" + device
                + ", maxSamplesPerClass=" + maxSamplesPerClass + ", maxClasses=" + maxClasses + ", freshPerBatch="
                + freshPerBatch + ", heldOutCapacity=" + heldOutCapacity + ", evaluationMinItems="
                + evaluationMinItems + ", onIncompatibleState=" + onIncompatibleState + ", embedder=" + embedder
                + ", checkpointInterval=" + checkpointInterval + ", maxChunkBytes=" + maxChunkBytes
                + ", publishWhenIdle=" + publishWhenIdle + "]";
    }
}
