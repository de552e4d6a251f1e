package io.streamsynth.pipeline.job;

import io.streamsynth.model.data.ImageLimits;
import io.streamsynth.model.runtime.DeviceSpec;
import io.streamsynth.model.train.InvalidSettingException;
import io.streamsynth.operators.batch.BatchPolicy;
import io.streamsynth.operators.decode.EventLimits;
import io.streamsynth.operators.dedup.DuplicateSettings;
import io.streamsynth.operators.embed.EmbedderSettings;
import io.streamsynth.operators.settings.CatalogSettings;
import io.streamsynth.operators.settings.CatalogSettingsBuilder;
import io.streamsynth.operators.train.IncompatibleStatePolicy;
import io.streamsynth.operators.train.TrainerSettings;
import io.streamsynth.pipeline.kafka.Topics;
import java.time.Duration;
import java.util.Properties;

/**
 * Builds a {@link JobConfig}: the one place that holds the default of every job setting. The catalog
 * settings are built by {@link CatalogSettingsBuilder} ({@link #catalog()}), which holds theirs. Set only
 * what differs; {@link #build()} validates once and names the setting that is wrong.
 */
public final class JobConfigBuilder {
    public static final String DEFAULT_JOB_NAME = "streamsynth";
    public static final String DEFAULT_GROUP_ID = "streamsynth";
    public static final long DEFAULT_SEED = 1;
    public static final String DEFAULT_DEVICE = "auto";
    public static final int DEFAULT_HELD_OUT_CAPACITY = 2000;
    /** Fewer held-out items give Recall@1 figures too coarse to compare versions by. */
    public static final int DEFAULT_EVALUATION_MIN_ITEMS = 10;
    public static final int DEFAULT_EMBED_BATCH_SIZE = 256;
    public static final long DEFAULT_EMBED_MAX_DELAY_MS = 200;
    public static final double DEFAULT_CHECKPOINT_INTERVAL_SECONDS = 5;
    public static final int DEFAULT_CHECKPOINT_CHUNK_BYTES = 512 * 1024;
    /** Far above the gaps between batches of a busy stream (milliseconds), far below the 15 s publish interval. */
    public static final double DEFAULT_PUBLISH_WHEN_IDLE_SECONDS = 2;
    /**
     * Re-embedding passes take at most half the embedder's time: unpaced, on a catalog of 100,000 items a
     * pass outlasted the promotions, every promoted version was superseded mid-pass and none was complete
     * while the stream ran (docs/BENCHMARKS.md section 10, "New items first"); see {@code --refresh-pause-factor}.
     */
    public static final double DEFAULT_REFRESH_PAUSE_FACTOR = 1;
    /**
     * Fail by default: a savepoint holds a model trained for hours or days, and a typo in
     * --embedding-size must not throw it away silently; starting over is a choice made once, by flag.
     */
    public static final String DEFAULT_ON_INCOMPATIBLE_STATE = "fail";

    private String bootstrapServers;
    private Properties kafkaProperties = new Properties();
    private Topics topics = Topics.defaults();
    private String groupId = DEFAULT_GROUP_ID;
    private String jobName = DEFAULT_JOB_NAME;
    private String transactionalIdPrefix;
    private int maxEventBytes = EventLimits.DEFAULT_MAX_EVENT_BYTES;
    private int maxImageBytes = EventLimits.DEFAULT_MAX_IMAGE_BYTES;
    private int maxImageSide = EventLimits.DEFAULT_MAX_IMAGE_SIDE;
    private Duration duplicateRetention = DuplicateSettings.DEFAULT_RETENTION;
    private CatalogSettingsBuilder catalog = new CatalogSettingsBuilder();
    private long seed = DEFAULT_SEED;
    private DeviceSpec device = DeviceSpec.parse(DEFAULT_DEVICE);
    private int maxSamplesPerClass = BatchPolicy.DEFAULT_MAX_SAMPLES_PER_CLASS;
    private int maxClasses = BatchPolicy.DEFAULT_MAX_CLASSES;
    private Integer freshPerBatch;
    private int heldOutCapacity = DEFAULT_HELD_OUT_CAPACITY;
    private int evaluationMinItems = DEFAULT_EVALUATION_MIN_ITEMS;
    private IncompatibleStatePolicy onIncompatibleState = IncompatibleStatePolicy.parse(DEFAULT_ON_INCOMPATIBLE_STATE);
    private int embedBatchSize = DEFAULT_EMBED_BATCH_SIZE;
    private Duration embedMaxDelay = Duration.ofMillis(DEFAULT_EMBED_MAX_DELAY_MS);
    private int embedBatchesPerSlice = EmbedderSettings.DEFAULT_BATCHES_PER_SLICE;
    private Duration checkpointInterval = seconds(DEFAULT_CHECKPOINT_INTERVAL_SECONDS);
    private int checkpointChunkBytes = DEFAULT_CHECKPOINT_CHUNK_BYTES;
    private Duration publishWhenIdle = seconds(DEFAULT_PUBLISH_WHEN_IDLE_SECONDS);
    private double refreshPauseFactor = DEFAULT_REFRESH_PAUSE_FACTOR;

    JobConfigBuilder(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /** Kafka bootstrap servers (required). */
    public JobConfigBuilder bootstrapServers(String value) {
        bootstrapServers = value;
        return this;
    }

    static JobConfigBuilder from(JobConfig c) {
        JobConfigBuilder b = new JobConfigBuilder(c.bootstrapServers());
        b.kafkaProperties = c.kafkaProperties();
        b.topics = c.topics();
        b.groupId = c.groupId();
        b.transactionalIdPrefix = c.transactionalIdPrefix();
        b.maxEventBytes = c.limits().maxEventBytes();
        b.maxImageBytes = c.limits().image().maxBytes();
        b.maxImageSide = c.limits().image().maxWidth();
        b.duplicateRetention = c.duplicates().retention();
        b.catalog = c.catalog().toBuilder();
        b.seed = c.seed();
        b.device = c.device();
        b.maxSamplesPerClass = c.maxSamplesPerClass();
        b.maxClasses = c.maxClasses();
        b.freshPerBatch = c.freshPerBatch();
        b.heldOutCapacity = c.heldOutCapacity();
        b.evaluationMinItems = c.evaluationMinItems();
        b.onIncompatibleState = c.onIncompatibleState();
        b.embedBatchSize = c.embedder().batchSize();
        b.embedMaxDelay = c.embedder().maxDelay();
        b.embedBatchesPerSlice = c.embedder().batchesPerSlice();
        b.refreshPauseFactor = c.embedder().refreshPauseFactor();
        b.checkpointInterval = c.checkpointInterval();
        b.checkpointChunkBytes = c.maxChunkBytes();
        b.publishWhenIdle = c.publishWhenIdle();
        return b;
    }

    /** The settings every catalog trains with, to change in place. */
    public CatalogSettingsBuilder catalog() {
        return catalog;
    }

    /** Replaces the catalog settings. */
    public JobConfigBuilder catalog(CatalogSettings settings) {
        catalog = settings.toBuilder();
        return this;
    }

    /** Client properties for every source and sink (TLS, SASL, ...). */
    public JobConfigBuilder kafkaProperties(Properties value) {
        kafkaProperties = value;
        return this;
    }

    public JobConfigBuilder topics(Topics value) {
        topics = value;
        return this;
    }

    public JobConfigBuilder groupId(String value) {
        groupId = value;
        return this;
    }

    /** The Flink job name; without an explicit transactional-id prefix, the prefix derives from it. */
    public JobConfigBuilder jobName(String value) {
        jobName = value;
        return this;
    }

    /** Prefix of the sinks' transactional ids; null: derived from the job name. */
    public JobConfigBuilder transactionalIdPrefix(String value) {
        transactionalIdPrefix = value;
        return this;
    }

    public JobConfigBuilder maxEventBytes(int value) {
        maxEventBytes = value;
        return this;
    }

    public JobConfigBuilder maxImageBytes(int value) {
        maxImageBytes = value;
        return this;
    }

    /** Largest width and height a header may declare. */
    public JobConfigBuilder maxImageSide(int value) {
        maxImageSide = value;
        return this;
    }

    public JobConfigBuilder duplicateRetention(Duration value) {
        duplicateRetention = value;
        return this;
    }

    public JobConfigBuilder seed(long value) {
        seed = value;
        return this;
    }

    public JobConfigBuilder device(DeviceSpec value) {
        device = value;
        return this;
    }

    public JobConfigBuilder maxSamplesPerClass(int value) {
        maxSamplesPerClass = value;
        return this;
    }

    public JobConfigBuilder maxClasses(int value) {
        maxClasses = value;
        return this;
    }

    /** New samples that trigger a batch; null: half a batch. */
    public JobConfigBuilder freshPerBatch(Integer value) {
        freshPerBatch = value;
        return this;
    }

    public JobConfigBuilder heldOutCapacity(int value) {
        heldOutCapacity = value;
        return this;
    }

    public JobConfigBuilder evaluationMinItems(int value) {
        evaluationMinItems = value;
        return this;
    }

    public JobConfigBuilder onIncompatibleState(IncompatibleStatePolicy value) {
        onIncompatibleState = value;
        return this;
    }

    public JobConfigBuilder embedBatchSize(int value) {
        embedBatchSize = value;
        return this;
    }

    public JobConfigBuilder embedMaxDelay(Duration value) {
        embedMaxDelay = value;
        return this;
    }

    /** Batches a re-embedding pass runs before it lets records and checkpoint barriers through again. */
    public JobConfigBuilder embedBatchesPerSlice(int value) {
        embedBatchesPerSlice = value;
        return this;
    }

    public JobConfigBuilder checkpointInterval(Duration value) {
        checkpointInterval = value;
        return this;
    }

    public JobConfigBuilder checkpointChunkBytes(int value) {
        checkpointChunkBytes = value;
        return this;
    }

    /** After a re-embedding pass that took D, the next starts no sooner than this many times D later; 0: unpaced. */
    public JobConfigBuilder refreshPauseFactor(double value) {
        refreshPauseFactor = value;
        return this;
    }

    /** How long a catalog's batches must stop before its unpublished steps are published; zero: never. */
    public JobConfigBuilder publishWhenIdle(Duration value) {
        publishWhenIdle = value;
        return this;
    }

    /**
     * The trainer's settings these settings give the default catalog, for a trainer run outside the job
     * (benchmarks); no Kafka setting is needed or checked.
     */
    public TrainerSettings trainer() {
        return catalog.build().trainer(seed, device, heldOutCapacity, evaluationMinItems, onIncompatibleState);
    }

    /**
     * The validated configuration.
     *
     * @throws IllegalArgumentException naming the setting ({@link InvalidSettingException} where one
     *                                  setting or a rule between two is broken)
     */
    public JobConfig build() {
        CatalogSettings settings = catalog.build();
        if (duplicateRetention == null || duplicateRetention.toMillis() < 1000
                || duplicateRetention.compareTo(DuplicateSettings.MAX_RETENTION) > 0) {
            throw new InvalidSettingException("duplicate-retention", "must be within [1, "
                    + DuplicateSettings.MAX_RETENTION.toSeconds() + "] seconds, got "
                    + (duplicateRetention == null ? null : duplicateRetention.toMillis() / 1000.0));
        }
        if (checkpointInterval == null || checkpointInterval.toMillis() <= 0
                || checkpointInterval.compareTo(Duration.ofDays(1)) > 0) {
            throw new InvalidSettingException("checkpoint-interval", "must be within (0, 86400] seconds, got "
                    + (checkpointInterval == null ? null : checkpointInterval.toMillis() / 1000.0));
        }
        if (publishWhenIdle == null || publishWhenIdle.isNegative()
                || publishWhenIdle.compareTo(Duration.ofDays(1)) > 0) {
            throw new InvalidSettingException("publish-when-idle", "must be within [0, 86400] seconds, got "
                    + (publishWhenIdle == null ? null : publishWhenIdle.toMillis() / 1000.0));
        }
        EventLimits limits = new EventLimits(maxEventBytes, EventLimits.DEFAULT_MAX_ID_LENGTH,
                new ImageLimits(maxImageBytes, maxImageSide, maxImageSide));
        if (!(refreshPauseFactor >= 0 && refreshPauseFactor <= 1000)) {
            throw new InvalidSettingException("refresh-pause-factor", "must be within 0..1000, got "
                    + refreshPauseFactor);
        }
        EmbedderSettings embedder = new EmbedderSettings(device, embedBatchSize, embedMaxDelay, embedBatchesPerSlice)
                .withScriptedBackbone(settings.scriptedBackbone()).withRefreshPauseFactor(refreshPauseFactor);
        return new JobConfig(bootstrapServers, kafkaProperties, topics, groupId,
                transactionalIdPrefix != null ? transactionalIdPrefix : prefixOf(jobName), limits,
                DuplicateSettings.defaults().withRetention(duplicateRetention), settings, seed, device,
                maxSamplesPerClass, maxClasses, freshPerBatch, heldOutCapacity, evaluationMinItems,
                onIncompatibleState, embedder, checkpointInterval, checkpointChunkBytes, publishWhenIdle);
    }

    /** The job name with anything but letters, digits, '.', '_' and '-' made a '-', as a transactional-id prefix. */
    static String prefixOf(String jobName) {
        String prefix = jobName == null ? "" : jobName.strip().replaceAll("[^A-Za-z0-9._-]+", "-");
        if (prefix.isEmpty()) {
            throw new InvalidSettingException("job-name", "must not be empty");
        }
        return prefix;
    }

    /** Seconds as a duration, to the millisecond. */
    public static Duration seconds(double value) {
        return Duration.ofMillis(Math.round(value * 1000));
    }
}
