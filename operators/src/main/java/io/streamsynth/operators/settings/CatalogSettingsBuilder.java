package io.streamsynth.operators.settings;

import io.streamsynth.model.image.ImageSpec;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.train.InvalidSettingException;
import io.streamsynth.model.train.TrainingConfigBuilder;
import io.streamsynth.operators.train.PromotionPolicy;
import java.time.Duration;
import java.util.List;

/**
 * Builds {@link CatalogSettings}: the one place that holds the default of every per-catalog setting and
 * the rules between them. A setting left unset takes its default; some defaults follow other settings:
 * <ul>
 *   <li>resize, crop, mean, std, augmentation and storage follow the channels
 *       ({@link ImageSpec#defaultsFor}: 28/28 grey, torchvision's ImageNet recipe 256/224 for RGB);</li>
 *   <li>the network takes channels x crop x crop inputs;</li>
 *   <li>the minimum refresh interval is the publish interval.</li>
 * </ul>
 * Rules: K even with synthesis (it pairs the samples of a class), P and K at least 2, a torchscript
 * network has its module, backbone weights need a torchvision network, promotion tolerance within 0..1,
 * minimum refresh interval within 0 and a year, held-out share within 0..0.5. A broken one throws
 * {@link InvalidSettingException} naming the setting.
 */
public final class CatalogSettingsBuilder {
    public static final int DEFAULT_CHANNELS = 1;
    public static final String DEFAULT_BACKGROUND = "#ffffff";
    public static final int DEFAULT_EMBEDDING_SIZE = 128;
    public static final int DEFAULT_BASE_FILTERS = 32;
    /** Multi-similarity with Symmetrical Synthesis: the pair that did best zero-shot in docs/RESULTS.md. */
    public static final String DEFAULT_LOSS = "ms";
    public static final String DEFAULT_SYNTHESIS = "symm";
    public static final int DEFAULT_CLASSES_PER_BATCH = 4;
    public static final int DEFAULT_SAMPLES_PER_CLASS = 8;
    public static final int DEFAULT_PUBLISH_EVERY_STEPS = 200;
    public static final double DEFAULT_PUBLISH_INTERVAL_SECONDS = 15;
    public static final double DEFAULT_PROMOTION_TOLERANCE = PromotionPolicy.DEFAULT_TOLERANCE;
    public static final double DEFAULT_HELD_OUT_SHARE = 0.1;

    private static final Duration LONGEST_REFRESH_INTERVAL = Duration.ofDays(365);

    private int channels = DEFAULT_CHANNELS;
    private Integer resize;
    private Integer crop;
    private List<Double> mean;
    private List<Double> std;
    private int background = ImageSpec.parseColour(DEFAULT_BACKGROUND);
    private Boolean augment;
    private Integer storeQuality;

    private Architecture.Kind kind = Architecture.Kind.CNN;
    /** Null: the network's own ({@link Architecture#defaultPooling}). */
    private Architecture.Pooling pooling;
    private int embeddingSize = DEFAULT_EMBEDDING_SIZE;
    private int baseFilters = DEFAULT_BASE_FILTERS;
    /** A network checked against its backbone file elsewhere (file I/O), taken as it is. */
    private Architecture network;
    private String backbone;

    private TrainingConfigBuilder training = new TrainingConfigBuilder().loss(DEFAULT_LOSS)
            .synthesis(DEFAULT_SYNTHESIS);
    private int classesPerBatch = DEFAULT_CLASSES_PER_BATCH;
    private int samplesPerClass = DEFAULT_SAMPLES_PER_CLASS;
    private int publishEverySteps = DEFAULT_PUBLISH_EVERY_STEPS;
    private Duration publishInterval = seconds(DEFAULT_PUBLISH_INTERVAL_SECONDS);
    private double promotionTolerance = DEFAULT_PROMOTION_TOLERANCE;
    private Duration minRefreshInterval;
    private double heldOutShare = DEFAULT_HELD_OUT_SHARE;

    /** A builder that starts from {@code s}: every setting as in {@code s}, none left to follow another. */
    static CatalogSettingsBuilder from(CatalogSettings s) {
        CatalogSettingsBuilder b = new CatalogSettingsBuilder();
        ImageSpec i = s.image();
        b.channels = i.channels();
        b.resize = i.resize();
        b.crop = i.crop();
        b.mean = i.mean();
        b.std = i.std();
        b.background = i.background();
        b.augment = i.augment();
        b.storeQuality = i.storeQuality();
        b.network = s.architecture();
        b.kind = s.architecture().kind();
        b.pooling = s.architecture().pooling();
        b.embeddingSize = s.architecture().embeddingSize();
        b.baseFilters = s.architecture().baseFilters();
        b.backbone = s.backbone();
        b.training = TrainingConfigBuilder.from(s.training());
        b.classesPerBatch = s.classesPerBatch();
        b.samplesPerClass = s.samplesPerClass();
        b.publishEverySteps = s.publishEverySteps();
        b.publishInterval = s.publishInterval();
        b.promotionTolerance = s.promotion().tolerance();
        b.minRefreshInterval = s.promotion().minRefreshInterval();
        b.heldOutShare = s.heldOutShare();
        return b;
    }

    /**
     * 1 (grey) or 3 (RGB). Another number of channels than before sets resize, crop, mean, std,
     * augmentation and storage back to following the channels; set those after this.
     */
    public CatalogSettingsBuilder channels(int value) {
        if (value != channels) {
            resize = null;
            crop = null;
            mean = null;
            std = null;
            augment = null;
            storeQuality = null;
        }
        channels = value;
        return forgetBuiltNetwork();
    }

    /** S, the shorter side after resizing; null: the channels' default. */
    public CatalogSettingsBuilder resize(Integer value) {
        resize = value;
        return forgetBuiltNetwork();
    }

    /** C, the side of the center crop the network sees; null: the channels' default. */
    public CatalogSettingsBuilder crop(Integer value) {
        crop = value;
        return forgetBuiltNetwork();
    }

    public CatalogSettingsBuilder mean(List<Double> value) {
        mean = value;
        return this;
    }

    public CatalogSettingsBuilder std(List<Double> value) {
        std = value;
        return this;
    }

    /** 0xRRGGBB that transparent pixels are composited onto. */
    public CatalogSettingsBuilder background(int rgb) {
        background = rgb;
        return this;
    }

    public CatalogSettingsBuilder augment(Boolean value) {
        augment = value;
        return this;
    }

    /** 0 raw, 1-100 JPEG quality of stored images; null: the channels' default. */
    public CatalogSettingsBuilder storeQuality(Integer value) {
        storeQuality = value;
        return this;
    }

    /**
     * A built-in network from random weights: cnn, resnet18 or resnet50 (torchscript, and backbone weights,
     * need {@link #network}); forgets a backbone file set before, which fits the network it was checked for.
     */
    public CatalogSettingsBuilder architecture(Architecture.Kind value) {
        kind = value;
        network = null;
        backbone = null;
        return this;
    }

    /** The head's pooling; null for the network's default ({@link Architecture#defaultPooling}). */
    public CatalogSettingsBuilder pooling(Architecture.Pooling value) {
        pooling = value;
        network = null;
        return this;
    }

    /** The head's pooling for a network of {@code kind}: the one set, else that network's default. */
    public Architecture.Pooling poolingFor(Architecture.Kind kind) {
        return pooling != null ? pooling : Architecture.defaultPooling(kind);
    }

    public CatalogSettingsBuilder embeddingSize(int value) {
        embeddingSize = value;
        network = null;
        return this;
    }

    public CatalogSettingsBuilder baseFilters(int value) {
        baseFilters = value;
        network = null;
        return this;
    }

    /**
     * A network already checked against its backbone file (a torchscript module probed, torchvision weights
     * loaded, its sha256 recorded), with that file; it must take this catalog's channels x crop x crop.
     *
     * @param backboneFile a path or Flink file system URI; null for none
     */
    public CatalogSettingsBuilder network(Architecture value, String backboneFile) {
        network = value;
        kind = value.kind();
        pooling = value.pooling();
        embeddingSize = value.embeddingSize();
        baseFilters = value.baseFilters();
        backbone = backboneFile;
        return this;
    }

    /** The training settings (loss, margin, synthesis, mining, optimizer, learning rate, fine-tuning). */
    public TrainingConfigBuilder training() {
        return training;
    }

    public CatalogSettingsBuilder classesPerBatch(int value) {
        classesPerBatch = value;
        return this;
    }

    public CatalogSettingsBuilder samplesPerClass(int value) {
        samplesPerClass = value;
        return this;
    }

    public CatalogSettingsBuilder publishEverySteps(int value) {
        publishEverySteps = value;
        return this;
    }

    public CatalogSettingsBuilder publishInterval(Duration value) {
        publishInterval = value;
        return this;
    }

    /** Absolute held-out Recall@1 a candidate may lose against the served version, 0..1. */
    public CatalogSettingsBuilder promotionTolerance(double value) {
        promotionTolerance = value;
        return this;
    }

    /** At least this long between two promotions; null: the publish interval. */
    public CatalogSettingsBuilder minRefreshInterval(Duration value) {
        minRefreshInterval = value;
        return this;
    }

    public CatalogSettingsBuilder heldOutShare(double value) {
        heldOutShare = value;
        return this;
    }

    /**
     * The validated settings.
     *
     * @throws InvalidSettingException naming the setting that breaks its range or a rule; the loss,
     *                                 synthesis, mining rule and optimizer name themselves in an
     *                                 {@link IllegalArgumentException}
     */
    public CatalogSettings build() {
        ImageSpec image = image();
        if (embeddingSize < 2 || embeddingSize > 4096) {
            throw new InvalidSettingException("embedding-size", "must be within 2..4096, got " + embeddingSize);
        }
        Architecture a = network != null ? network
                : new Architecture(kind, image.channels(), image.crop(), image.crop(), embeddingSize, baseFilters,
                        poolingFor(kind));
        if (!(promotionTolerance >= 0 && promotionTolerance <= 1)) {
            throw new InvalidSettingException("promotion-tolerance", "must be within 0..1 (Recall@1), got "
                    + promotionTolerance);
        }
        if (publishInterval == null) {
            throw new InvalidSettingException("publish-interval", "is required");
        }
        Duration refresh = minRefreshInterval != null ? minRefreshInterval
                : PromotionPolicy.defaultMinRefreshInterval(publishInterval);
        if (refresh.isNegative() || refresh.compareTo(LONGEST_REFRESH_INTERVAL) > 0) {
            throw new InvalidSettingException("min-refresh-interval", "must be within 0 seconds and a year, got "
                    + refresh.toMillis() / 1000.0);
        }
        return new CatalogSettings(image, a, backbone, training.build(), classesPerBatch, samplesPerClass,
                publishEverySteps, publishInterval, new PromotionPolicy(promotionTolerance, refresh), heldOutShare);
    }

    /** The image settings over the defaults for the channels ({@link ImageSpec#defaultsFor}). */
    private ImageSpec image() {
        if (channels != 1 && channels != 3) {
            throw new InvalidSettingException("image-channels", "must be 1 or 3, got " + channels);
        }
        ImageSpec d = ImageSpec.defaultsFor(channels);
        try {
            return new ImageSpec(channels, resize != null ? resize : d.resize(), crop != null ? crop : d.crop(),
                    mean != null ? mean : d.mean(), std != null ? std : d.std(), background,
                    augment != null ? augment : d.augment(), storeQuality != null ? storeQuality : d.storeQuality());
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException("image-*", "settings: " + e.getMessage());
        }
    }

    /** A network built for other inputs is rebuilt at {@link #build}; a TorchScript module was probed at its own. */
    private CatalogSettingsBuilder forgetBuiltNetwork() {
        if (network != null && network.kind() != Architecture.Kind.TORCHSCRIPT) {
            network = null;
        }
        return this;
    }

    private static Duration seconds(double s) {
        return Duration.ofMillis(Math.round(s * 1000));
    }
}
