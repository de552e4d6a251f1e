package io.streamsynth.pipeline.cli;

import io.streamsynth.model.image.ImageSpec;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.runtime.DeviceSpec;
import io.streamsynth.operators.batch.BatchPolicy;
import io.streamsynth.operators.decode.EventLimits;
import io.streamsynth.operators.dedup.DuplicateSettings;
import io.streamsynth.operators.settings.CatalogSettings;
import io.streamsynth.operators.settings.CatalogSettingsBuilder;
import io.streamsynth.operators.train.IncompatibleStatePolicy;
import io.streamsynth.pipeline.job.JobConfig;
import io.streamsynth.pipeline.job.JobConfigBuilder;
import io.streamsynth.pipeline.kafka.Topics;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The flags of every setting of the streaming job, shared by {@code quickstart} and {@code train}. Any of
 * them can also come from a file: {@code train @job.args} reads one option per line. The flags only map
 * onto {@link JobConfigBuilder} and its {@link CatalogSettingsBuilder}, which hold the defaults and the
 * rules; a flag not given is null here.
 */
public final class JobOptions {
    @Option(names = "--kafka-properties", paramLabel = "FILE",
            description = "Kafka client properties for every source and sink (TLS, SASL, ...).")
    Path kafkaProperties;

    @Option(names = "--images-topic", description = "Input topic (default: images).")
    String imagesTopic;

    @Option(names = "--checkpoints-topic", description = "Model checkpoints topic (default: checkpoints).")
    String checkpointsTopic;

    @Option(names = "--embeddings-topic", description = "Item embeddings topic (default: embeddings).")
    String embeddingsTopic;

    @Option(names = "--dead-letter-topic", description = "Rejected events topic (default: dead-letters).")
    String deadLetterTopic;

    @Option(names = "--versions-topic", description = "Version-complete markers topic: one record per catalog and "
            + "promoted version once every item is embedded at it (default: " + Topics.DEFAULT_VERSIONS + ").")
    String versionsTopic;

    @Option(names = "--catalogs-topic", description = "Per-catalog settings topic, compacted, key = catalog (README, "
            + "\"Catalog settings\"); catalogs without a record train with this job's flags (default: "
            + Topics.DEFAULT_CATALOGS + ").")
    String catalogsTopic;

    @Option(names = "--group-id", description = "Consumer group of the images source (default: " + JobConfigBuilder.DEFAULT_GROUP_ID + ").")
    String groupId;

    @Option(names = "--transactional-id-prefix",
            description = "Prefix of the sinks' Kafka transactional ids, unique per job (default: the job name).")
    String transactionalIdPrefix;

    @Option(names = "--image-channels",
            description = "1 (grey) or 3 (RGB): every image is converted to this (default: " + CatalogSettingsBuilder.DEFAULT_CHANNELS + ").")
    Integer channels;

    @Option(names = "--image-resize",
            description = "S: the shorter side is resized to this before the center crop (default: 28 grey, 256 RGB).")
    Integer resize;

    @Option(names = "--image-crop",
            description = "C: the network sees C x C center crops (default: 28 grey, 224 RGB).")
    Integer crop;

    @Option(names = "--image-mean", split = ",",
            description = "Per-channel mean subtracted from values in [0, 1] (default: 0 grey, ImageNet's for RGB).")
    List<Double> mean;

    @Option(names = "--image-std", split = ",",
            description = "Per-channel standard deviation (default: 1 grey, ImageNet's for RGB).")
    List<Double> std;

    @Option(names = "--image-background",
            description = "#rrggbb that transparent pixels are composited onto (default: " + CatalogSettingsBuilder.DEFAULT_BACKGROUND + ").")
    String background;

    @Option(names = "--augment", arity = "1",
            description = "Random resized crop and flip when training (default: false grey, true RGB).")
    Boolean augment;

    @Option(names = "--store-quality",
            description = "Stored images: 0 raw bytes, 1-100 a JPEG of that quality (default: 0 grey, 90 RGB).")
    Integer storeQuality;

    @Option(names = "--max-event-bytes", description = "Largest event accepted (default: " + EventLimits.DEFAULT_MAX_EVENT_BYTES + ").")
    Integer maxEventBytes;

    @Option(names = "--max-image-bytes", description = "Largest encoded image accepted (default: " + EventLimits.DEFAULT_MAX_IMAGE_BYTES + ").")
    Integer maxImageBytes;

    @Option(names = "--duplicate-retention",
            description = "Seconds an item remembers an event_id to drop a producer's retry (default: " + DuplicateSettings.DEFAULT_RETENTION_SECONDS + ").")
    Double duplicateRetentionSeconds;

    @Option(names = "--architecture",
            description = "cnn, resnet18, resnet50 or torchscript (default: cnn; torchscript with --backbone-torchscript).")
    String architecture;

    @Option(names = "--pooling", description = "Head pooling: avg or gem (default: gem for cnn, avg for resnet18, "
            + "resnet50 and torchscript).")
    String pooling;

    @Option(names = "--backbone-weights", paramLabel = "FILE|URI",
            description = "Pretrained backbone for resnet18/resnet50: a torchvision state_dict as safetensors "
                    + "(see the README), a path or Flink file system URI (s3://...) every TaskManager can read; "
                    + "checked at start-up, its sha256 recorded in every checkpoint.")
    String backboneWeights;

    @Option(names = "--backbone-torchscript", paramLabel = "FILE|URI",
            description = "A TorchScript module (torch.jit.save) mapping the preprocessed N x C x H x W images to "
                    + "N x F features or N x F x h x w maps, fine-tuned under our head (see the README); a path or "
                    + "Flink file system URI every TaskManager can read; checked with a probe forward pass at "
                    + "start-up, its sha256 recorded in every checkpoint. Implies --architecture torchscript.")
    String backboneTorchScript;

    @Option(names = "--embedding-size", description = "Embedding dimension (default: " + CatalogSettingsBuilder.DEFAULT_EMBEDDING_SIZE + ").")
    Integer embeddingSize;

    @Option(names = "--base-filters", description = "Filters of the first convolution (default: " + CatalogSettingsBuilder.DEFAULT_BASE_FILTERS + ").")
    Integer baseFilters;

    @Option(names = "--classes-per-batch", description = "P (default: " + CatalogSettingsBuilder.DEFAULT_CLASSES_PER_BATCH + ").")
    Integer classesPerBatch;

    @Option(names = "--samples-per-class", description = "K (default: " + CatalogSettingsBuilder.DEFAULT_SAMPLES_PER_CLASS + ").")
    Integer samplesPerClass;

    @Option(names = "--max-samples-per-class", description = "Buffer cap per class (default: " + BatchPolicy.DEFAULT_MAX_SAMPLES_PER_CLASS + ").")
    Integer maxSamplesPerClass;

    @Option(names = "--max-classes", description = "Buffered classes per catalog (default: " + BatchPolicy.DEFAULT_MAX_CLASSES + ").")
    Integer maxClasses;

    @Option(names = "--fresh-per-batch",
            description = "New samples that trigger a batch (default: half a batch).")
    Integer freshPerBatch;

    @Option(names = "--publish-every-steps", description = "Publish a version every N steps (default: " + CatalogSettingsBuilder.DEFAULT_PUBLISH_EVERY_STEPS + ").")
    Integer publishEverySteps;

    @Option(names = "--publish-interval", description = "...or after this many seconds (default: " + CatalogSettingsBuilder.DEFAULT_PUBLISH_INTERVAL_SECONDS + ").")
    Double publishIntervalSeconds;

    @Option(names = "--publish-when-idle", paramLabel = "SECONDS",
            description = "When a catalog's batches stop for this long (and for twice their longest recent gap), publish "
                    + "its unpublished steps at once rather than at the end of --publish-interval; 0 = never "
                    + "(default: " + JobConfigBuilder.DEFAULT_PUBLISH_WHEN_IDLE_SECONDS + ").")
    Double publishWhenIdleSeconds;

    @Option(names = "--refresh-pause-factor", paramLabel = "K",
            description = "After a catalog's re-embedding pass that took D seconds, start its next pass no sooner "
                    + "than K x D later (passes then take at most 1/(K+1) of the embedder's time); a version promoted "
                    + "meanwhile waits, the newest only; 0 = a newer version takes the running pass over at once "
                    + "(default: " + JobConfigBuilder.DEFAULT_REFRESH_PAUSE_FACTOR + ").")
    Double refreshPauseFactor;

    @Option(names = "--promotion-tolerance", paramLabel = "R@1",
            description = "A trained version replaces the served one only if its held-out Recall@1 is at most this "
                    + "much below the served version's on the same items (absolute, 0.01 = one point; default: "
                    + CatalogSettingsBuilder.DEFAULT_PROMOTION_TOLERANCE + ").")
    Double promotionTolerance;

    @Option(names = "--min-refresh-interval", paramLabel = "SECONDS",
            description = "At least this long between two promotions of a catalog, each re-embedding all its items "
                    + "(default: twice --publish-interval).")
    Double minRefreshIntervalSeconds;

    @Option(names = "--held-out-share", description = "Share of items kept for evaluation (default: " + CatalogSettingsBuilder.DEFAULT_HELD_OUT_SHARE + ").")
    Double heldOutShare;

    @Option(names = "--held-out-capacity", description = "Held-out items kept per catalog (default: " + JobConfigBuilder.DEFAULT_HELD_OUT_CAPACITY + ").")
    Integer heldOutCapacity;

    @Option(names = "--embed-batch-size", description = "Images per inference batch (default: " + JobConfigBuilder.DEFAULT_EMBED_BATCH_SIZE + ").")
    Integer embedBatchSize;

    @Option(names = "--embed-max-delay-ms", description = "Longest a new item waits for a batch (default: " + JobConfigBuilder.DEFAULT_EMBED_MAX_DELAY_MS + ").")
    Long embedMaxDelayMillis;

    @Option(names = "--checkpoint-interval", description = "Flink checkpoint interval in seconds (default: " + JobConfigBuilder.DEFAULT_CHECKPOINT_INTERVAL_SECONDS + ").")
    Double checkpointIntervalSeconds;

    @Option(names = "--checkpoint-chunk-bytes", description = "Chunk size on the checkpoints topic (default: " + JobConfigBuilder.DEFAULT_CHECKPOINT_CHUNK_BYTES + ").")
    Integer checkpointChunkBytes;

    @Option(names = "--on-incompatible-state", paramLabel = "new-lineage|fail",
            description = "When a restored catalog's model or optimizer state does not fit --architecture, "
                    + "--pooling, --embedding-size, --base-filters, the image size or --optimizer: fail the job once (no "
                    + "restarts) or start that catalog's model anew, recorded in the checkpoint's lineage "
                    + "(default: " + JobConfigBuilder.DEFAULT_ON_INCOMPATIBLE_STATE + ").")
    String onIncompatibleState;

    @Option(names = "--seed", description = "Initial weights and batch choices (default: " + JobConfigBuilder.DEFAULT_SEED + ").")
    Long seed;

    @Option(names = "--device", description = "auto, cpu or gpu:N (default: " + JobConfigBuilder.DEFAULT_DEVICE + ").")
    String device;

    @Mixin
    TrainingOptions trainingOptions = new TrainingOptions(CatalogSettingsBuilder.DEFAULT_LOSS,
            CatalogSettingsBuilder.DEFAULT_SYNTHESIS);

    /** The validated job configuration, for a job named "streamsynth". */
    public JobConfig toConfig(String bootstrapServers) throws IOException {
        return toConfig(bootstrapServers, JobConfigBuilder.DEFAULT_JOB_NAME);
    }

    /**
     * The validated job configuration: the flags given, over the builder's defaults.
     *
     * @param jobName the Flink job name: without --transactional-id-prefix, the prefix derives from it,
     *                so two jobs of different names never share their sinks' transactional ids
     */
    public JobConfig toConfig(String bootstrapServers, String jobName) throws IOException {
        return applyTo(JobConfig.builder(bootstrapServers).jobName(jobName)).build();
    }

    /**
     * Sets the flags given on {@code job}; a flag not given leaves the builder's value. The backbone file
     * is read and checked here (file I/O), the network it fits handed to the builder.
     */
    public JobConfigBuilder applyTo(JobConfigBuilder job) throws IOException {
        job.kafkaProperties(clientProperties()).topics(topics());
        set(groupId, job::groupId);
        set(transactionalIdPrefix, job::transactionalIdPrefix);
        set(maxEventBytes, job::maxEventBytes);
        set(maxImageBytes, job::maxImageBytes);
        set(duplicateRetentionSeconds, s -> job.duplicateRetention(JobConfigBuilder.seconds(s)));
        set(seed, job::seed);
        set(device, d -> job.device(DeviceSpec.parse(d)));
        set(maxSamplesPerClass, job::maxSamplesPerClass);
        set(maxClasses, job::maxClasses);
        set(freshPerBatch, job::freshPerBatch);
        set(heldOutCapacity, job::heldOutCapacity);
        set(onIncompatibleState, p -> job.onIncompatibleState(IncompatibleStatePolicy.parse(p)));
        set(embedBatchSize, job::embedBatchSize);
        set(embedMaxDelayMillis, ms -> job.embedMaxDelay(Duration.ofMillis(ms)));
        set(checkpointIntervalSeconds, s -> job.checkpointInterval(JobConfigBuilder.seconds(s)));
        set(checkpointChunkBytes, job::checkpointChunkBytes);
        set(publishWhenIdleSeconds, s -> job.publishWhenIdle(JobConfigBuilder.seconds(s)));
        set(refreshPauseFactor, job::refreshPauseFactor);

        CatalogSettingsBuilder catalog = job.catalog();
        set(channels, catalog::channels);
        set(resize, catalog::resize);
        set(crop, catalog::crop);
        set(mean, catalog::mean);
        set(std, catalog::std);
        set(background, b -> catalog.background(ImageSpec.parseColour(b)));
        set(augment, catalog::augment);
        set(storeQuality, catalog::storeQuality);
        set(pooling, p -> catalog.pooling(Architecture.parsePooling(p)));
        set(embeddingSize, catalog::embeddingSize);
        set(baseFilters, catalog::baseFilters);
        set(classesPerBatch, catalog::classesPerBatch);
        set(samplesPerClass, catalog::samplesPerClass);
        set(publishEverySteps, catalog::publishEverySteps);
        set(publishIntervalSeconds, s -> catalog.publishInterval(JobConfigBuilder.seconds(s)));
        set(promotionTolerance, catalog::promotionTolerance);
        set(minRefreshIntervalSeconds, s -> catalog.minRefreshInterval(JobConfigBuilder.seconds(s)));
        set(heldOutShare, catalog::heldOutShare);
        trainingOptions.applyTo(catalog.training());
        if (architecture != null || backboneWeights != null || backboneTorchScript != null) {
            // the network and its file are checked together (file I/O), over the image spec and head the other
            // flags chose
            CatalogSettings chosen = catalog.build();
            BackboneChoice backbone = BackboneChoice.check(architecture, backboneWeights, backboneTorchScript,
                    chosen.image().channels(), chosen.image().crop(), chosen.architecture().embeddingSize(),
                    chosen.architecture().baseFilters(), pooling == null ? null : Architecture.parsePooling(pooling));
            catalog.network(backbone.architecture(), backbone.uri());
        }
        return job;
    }

    private static <T> void set(T flag, Consumer<T> setter) {
        if (flag != null) {
            setter.accept(flag);
        }
    }

    /** Client properties from --kafka-properties, or none. */
    public Properties clientProperties() throws IOException {
        Properties p = new Properties();
        if (kafkaProperties != null) {
            if (!Files.isReadable(kafkaProperties)) {
                throw new IllegalArgumentException("--kafka-properties: cannot read " + kafkaProperties);
            }
            try (Reader r = Files.newBufferedReader(kafkaProperties)) {
                p.load(r);
            }
        }
        return p;
    }

    /** The topics the flags name, each not named at its default. */
    public Topics topics() {
        Topics d = Topics.defaults();
        return new Topics(or(imagesTopic, d.images()), or(checkpointsTopic, d.checkpoints()),
                or(embeddingsTopic, d.embeddings()), or(deadLetterTopic, d.deadLetters()),
                or(versionsTopic, d.versions()), or(catalogsTopic, d.catalogs()));
    }

    private static String or(String flag, String otherwise) {
        return flag != null ? flag : otherwise;
    }
}
