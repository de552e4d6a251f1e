package io.streamsynth.pipeline.cli;

import io.streamsynth.model.data.ImageLimits;
import io.streamsynth.model.image.ImageSpec;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.runtime.DeviceSpec;
import io.streamsynth.model.train.TrainingConfig;
import io.streamsynth.operators.batch.BatchPolicy;
import io.streamsynth.operators.decode.EventLimits;
import io.streamsynth.operators.dedup.DuplicateSettings;
import io.streamsynth.operators.embed.EmbedderSettings;
import io.streamsynth.operators.train.IncompatibleStatePolicy;
import io.streamsynth.operators.train.PromotionPolicy;
import io.streamsynth.operators.train.TrainerSettings;
import io.streamsynth.pipeline.job.JobConfig;
import io.streamsynth.pipeline.kafka.Topics;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Every setting of the streaming job, shared by {@code quickstart} and {@code train}. Any of them
 * can also come from a file: {@code train @job.args} reads one option per line.
 */
public final class JobOptions {
    @Option(names = "--kafka-properties", paramLabel = "FILE",
            description = "Kafka client properties for every source and sink (TLS, SASL, ...).")
    Path kafkaProperties;

    @Option(names = "--images-topic", description = "Input topic (default: ${DEFAULT-VALUE}).")
    String imagesTopic = "images";

    @Option(names = "--checkpoints-topic", description = "Model checkpoints topic (default: ${DEFAULT-VALUE}).")
    public String checkpointsTopic = "checkpoints";

    @Option(names = "--embeddings-topic", description = "Item embeddings topic (default: ${DEFAULT-VALUE}).")
    public String embeddingsTopic = "embeddings";

    @Option(names = "--dead-letter-topic", description = "Rejected events topic (default: ${DEFAULT-VALUE}).")
    public String deadLetterTopic = "dead-letters";

    @Option(names = "--versions-topic", description = "Version-complete markers topic: one record per catalog and "
            + "promoted version once every item is embedded at it (default: ${DEFAULT-VALUE}).")
    public String versionsTopic = Topics.DEFAULT_VERSIONS;

    @Option(names = "--group-id", description = "Consumer group of the images source (default: ${DEFAULT-VALUE}).")
    public String groupId = "streamsynth";

    @Option(names = "--transactional-id-prefix",
            description = "Prefix of the sinks' Kafka transactional ids, unique per job (default: the job name).")
    public String transactionalIdPrefix;

    @Option(names = "--image-channels",
            description = "1 (grey) or 3 (RGB): every image is converted to this (default: ${DEFAULT-VALUE}).")
    int channels = 1;

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
            description = "#rrggbb that transparent pixels are composited onto (default: ${DEFAULT-VALUE}).")
    String background = "#ffffff";

    @Option(names = "--augment", arity = "1",
            description = "Random resized crop and flip when training (default: false grey, true RGB).")
    Boolean augment;

    @Option(names = "--store-quality",
            description = "Stored images: 0 raw bytes, 1-100 a JPEG of that quality (default: 0 grey, 90 RGB).")
    Integer storeQuality;

    @Option(names = "--max-event-bytes", description = "Largest event accepted (default: ${DEFAULT-VALUE}).")
    int maxEventBytes = EventLimits.DEFAULT_MAX_EVENT_BYTES;

    @Option(names = "--max-image-bytes", description = "Largest encoded image accepted (default: ${DEFAULT-VALUE}).")
    int maxImageBytes = EventLimits.DEFAULT_MAX_IMAGE_BYTES;

    @Option(names = "--duplicate-retention",
            description = "Seconds an item remembers an event_id to drop a producer's retry (default: ${DEFAULT-VALUE}).")
    double duplicateRetentionSeconds = DuplicateSettings.DEFAULT_RETENTION.toSeconds();

    @Option(names = "--architecture",
            description = "cnn, resnet18, resnet50 or torchscript (default: cnn; torchscript with --backbone-torchscript).")
    String architecture;

    @Option(names = "--pooling", description = "Head pooling: avg or gem (default: ${DEFAULT-VALUE}).")
    String pooling = "avg";

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

    @Option(names = "--embedding-size", description = "Embedding dimension (default: ${DEFAULT-VALUE}).")
    int embeddingSize = 128;

    @Option(names = "--base-filters", description = "Filters of the first convolution (default: ${DEFAULT-VALUE}).")
    int baseFilters = 32;

    @Option(names = "--classes-per-batch", description = "P (default: ${DEFAULT-VALUE}).")
    int classesPerBatch = 4;

    @Option(names = "--samples-per-class", description = "K (default: ${DEFAULT-VALUE}).")
    int samplesPerClass = 8;

    @Option(names = "--max-samples-per-class", description = "Buffer cap per class (default: ${DEFAULT-VALUE}).")
    int maxSamplesPerClass = BatchPolicy.DEFAULT_MAX_SAMPLES_PER_CLASS;

    @Option(names = "--max-classes", description = "Buffered classes per catalog (default: ${DEFAULT-VALUE}).")
    int maxClasses = BatchPolicy.DEFAULT_MAX_CLASSES;

    @Option(names = "--fresh-per-batch",
            description = "New samples that trigger a batch (default: half a batch).")
    Integer freshPerBatch;

    @Option(names = "--publish-every-steps", description = "Publish a version every N steps (default: ${DEFAULT-VALUE}).")
    public int publishEverySteps = 200;

    @Option(names = "--publish-interval", description = "...or after this many seconds (default: ${DEFAULT-VALUE}).")
    public double publishIntervalSeconds = 15;

    @Option(names = "--promotion-tolerance", paramLabel = "R@1",
            description = "A trained version replaces the served one only if its held-out Recall@1 is at most this "
                    + "much below the served version's on the same items (absolute, 0.01 = one point; default: "
                    + "${DEFAULT-VALUE}).")
    double promotionTolerance = 0;

    @Option(names = "--min-refresh-interval", paramLabel = "SECONDS",
            description = "At least this long between two promotions of a catalog, each re-embedding all its items "
                    + "(default: --publish-interval).")
    Double minRefreshIntervalSeconds;

    @Option(names = "--held-out-share", description = "Share of items kept for evaluation (default: ${DEFAULT-VALUE}).")
    double heldOutShare = 0.1;

    @Option(names = "--held-out-capacity", description = "Held-out items kept per catalog (default: ${DEFAULT-VALUE}).")
    int heldOutCapacity = 2000;

    @Option(names = "--embed-batch-size", description = "Images per inference batch (default: ${DEFAULT-VALUE}).")
    public int embedBatchSize = 256;

    @Option(names = "--embed-max-delay-ms", description = "Longest a new item waits for a batch (default: ${DEFAULT-VALUE}).")
    long embedMaxDelayMillis = 200;

    @Option(names = "--checkpoint-interval", description = "Flink checkpoint interval in seconds (default: ${DEFAULT-VALUE}).")
    public double checkpointIntervalSeconds = 5;

    @Option(names = "--checkpoint-chunk-bytes", description = "Chunk size on the checkpoints topic (default: ${DEFAULT-VALUE}).")
    int checkpointChunkBytes = 512 * 1024;

    /**
     * Fail by default: a savepoint holds a model trained for hours or days, and a typo in
     * --embedding-size must not throw it away silently; starting over is a choice made once, by flag.
     */
    @Option(names = "--on-incompatible-state", paramLabel = "new-lineage|fail",
            description = "When a restored catalog's model or optimizer state does not fit --architecture, "
                    + "--embedding-size, --base-filters, the image size or --optimizer: fail the job once (no "
                    + "restarts) or start that catalog's model anew, recorded in the checkpoint's lineage "
                    + "(default: ${DEFAULT-VALUE}).")
    String onIncompatibleState = "fail";

    @Option(names = "--seed", description = "Initial weights and batch choices (default: ${DEFAULT-VALUE}).")
    public long seed = 1;

    @Option(names = "--device", description = "auto, cpu or gpu:N (default: ${DEFAULT-VALUE}).")
    public String device = "auto";

    /** Multi-similarity with Symmetrical Synthesis: the pair that did best zero-shot in docs/RESULTS.md. */
    @Mixin
    TrainingOptions trainingOptions = TrainingOptions.withDefaults("ms", "symm");

    /** The validated job configuration, for a job named "streamsynth". */
    public JobConfig toConfig(String bootstrapServers) throws IOException {
        return toConfig(bootstrapServers, "streamsynth");
    }

    /**
     * The validated job configuration.
     *
     * @param jobName the Flink job name: without --transactional-id-prefix, the prefix derives from it,
     *                so two jobs of different names never share their sinks' transactional ids
     */
    public JobConfig toConfig(String bootstrapServers, String jobName) throws IOException {
        ImageSpec image = imageSpec();
        TrainingConfig training = trainingOptions.toConfig();
        BackboneChoice backbone = BackboneChoice.check(architecture, backboneWeights, backboneTorchScript, channels,
                image.crop(), embeddingSize, baseFilters, Architecture.parsePooling(pooling));
        Architecture arch = backbone.architecture();
        if (!training.synthesis().equals("none") && samplesPerClass % 2 != 0) {
            throw new IllegalArgumentException("--samples-per-class must be even with synthesis " + training.synthesis()
                    + " (it pairs the samples of a class), got " + samplesPerClass);
        }
        BatchPolicy batches = BatchPolicy.of(classesPerBatch, samplesPerClass, seed)
                .withMaxSamplesPerClass(maxSamplesPerClass).withMaxClasses(maxClasses);
        if (freshPerBatch != null) {
            batches = batches.withFreshPerBatch(freshPerBatch);
        }
        DeviceSpec deviceSpec = DeviceSpec.parse(device);
        TrainerSettings trainer = new TrainerSettings(arch, training, seed, deviceSpec, publishEverySteps,
                seconds(publishIntervalSeconds, "--publish-interval"), heldOutCapacity, 10,
                IncompatibleStatePolicy.parse(onIncompatibleState), backbone.uri(), image,
                promotionPolicy());
        EmbedderSettings embedder = new EmbedderSettings(deviceSpec, embedBatchSize,
                Duration.ofMillis(embedMaxDelayMillis)).withScriptedBackbone(backbone.scriptedUri());
        EventLimits limits = new EventLimits(maxEventBytes, EventLimits.DEFAULT_MAX_ID_LENGTH,
                new ImageLimits(maxImageBytes, EventLimits.DEFAULT_MAX_IMAGE_SIDE, EventLimits.DEFAULT_MAX_IMAGE_SIDE));
        return new JobConfig(bootstrapServers, clientProperties(),
                topics(), groupId,
                transactionalIdPrefix != null ? transactionalIdPrefix : prefixOf(jobName), limits, heldOutShare,
                batches, trainer, embedder,
                seconds(checkpointIntervalSeconds, "--checkpoint-interval"), checkpointChunkBytes, duplicates());
    }

    private PromotionPolicy promotionPolicy() {
        if (!(promotionTolerance >= 0 && promotionTolerance <= 1)) {
            throw new IllegalArgumentException("--promotion-tolerance must be within 0..1 (Recall@1), got "
                    + promotionTolerance);
        }
        double interval = minRefreshIntervalSeconds != null ? minRefreshIntervalSeconds : publishIntervalSeconds;
        if (!(interval >= 0 && interval <= 86_400 * 365.0)) {
            throw new IllegalArgumentException("--min-refresh-interval must be within 0 seconds and a year, got "
                    + interval);
        }
        return new PromotionPolicy(promotionTolerance, Duration.ofMillis(Math.round(interval * 1000)));
    }

    /** The job name with anything but letters, digits, '.', '_' and '-' made a '-', as a transactional-id prefix. */
    static String prefixOf(String jobName) {
        String prefix = jobName == null ? "" : jobName.strip().replaceAll("[^A-Za-z0-9._-]+", "-");
        if (prefix.isEmpty()) {
            throw new IllegalArgumentException("--job-name must not be empty");
        }
        return prefix;
    }

    /** The image flags over the defaults for the channels ({@link ImageSpec#defaultsFor}). */
    ImageSpec imageSpec() {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("--image-channels must be 1 or 3, got " + channels);
        }
        ImageSpec d = ImageSpec.defaultsFor(channels);
        try {
            return new ImageSpec(channels, resize != null ? resize : d.resize(), crop != null ? crop : d.crop(),
                    mean != null ? mean : d.mean(), std != null ? std : d.std(), ImageSpec.parseColour(background),
                    augment != null ? augment : d.augment(), storeQuality != null ? storeQuality : d.storeQuality());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--image-* flags: " + e.getMessage(), e);
        }
    }

    private DuplicateSettings duplicates() {
        Duration retention = Duration.ofMillis(Math.round(duplicateRetentionSeconds * 1000));
        if (!(duplicateRetentionSeconds >= 1) || retention.compareTo(DuplicateSettings.MAX_RETENTION) > 0) {
            throw new IllegalArgumentException("--duplicate-retention must be within [1, "
                    + DuplicateSettings.MAX_RETENTION.toSeconds() + "] seconds, got " + duplicateRetentionSeconds);
        }
        return DuplicateSettings.defaults().withRetention(retention);
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

    public Topics topics() {
        return new Topics(imagesTopic, checkpointsTopic, embeddingsTopic, deadLetterTopic, versionsTopic);
    }

    private static Duration seconds(double value, String flag) {
        if (!(value > 0) || value > 86_400) {
            throw new IllegalArgumentException(flag + " must be within (0, 86400] seconds, got " + value);
        }
        return Duration.ofMillis(Math.round(value * 1000));
    }
}
