package io.streamsynth.operators.settings;

import io.streamsynth.model.image.ImageSpec;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.runtime.DeviceSpec;
import io.streamsynth.model.train.BatchShapeRules;
import io.streamsynth.model.train.InvalidSettingException;
import io.streamsynth.model.train.TrainingConfig;
import io.streamsynth.operators.batch.BatchPolicy;
import io.streamsynth.operators.train.IncompatibleStatePolicy;
import io.streamsynth.operators.train.PromotionPolicy;
import io.streamsynth.operators.train.TrainerSettings;
import java.io.Serializable;
import java.time.Duration;
import java.util.Locale;

/**
 * What one catalog's model is and how it learns: its image contract, network, loss and synthesis, batch
 * shape, publish cadence, promotion gate and held-out share. The job's flags give the default for every
 * catalog; issue 10 lets a catalog bring its own. Built and validated by {@link CatalogSettingsBuilder},
 * which holds every default and every rule between these fields; the record checks the same rules, so
 * no invalid value exists.
 *
 * @param image           what images go through before the network; its channels and crop are the
 *                        architecture's
 * @param architecture    the network (with its backbone file's sha256 when it has one)
 * @param backbone        the backbone file the catalog's model starts from (resnet18/50 weights) or is
 *                        built over (torchscript), a path or Flink file system URI; null for none
 * @param training        loss, margin, synthesis, mining, optimizer, learning rate, fine-tuning
 * @param classesPerBatch P
 * @param samplesPerClass K; even with synthesis
 * @param publishEverySteps a version is published after this many steps...
 * @param publishInterval ...or this long after the last one, whichever comes first
 * @param promotion       when a trained version replaces the served one
 * @param heldOutShare    share of items kept out of training for evaluation, 0..0.5
 */
public record CatalogSettings(ImageSpec image, Architecture architecture, String backbone, TrainingConfig training,
        int classesPerBatch, int samplesPerClass, int publishEverySteps, Duration publishInterval,
        PromotionPolicy promotion, double heldOutShare) implements Serializable {

    private static final long serialVersionUID = 1L;

    public CatalogSettings {
        if (image == null || architecture == null || training == null || publishInterval == null
                || promotion == null) {
            throw new IllegalArgumentException("catalog settings need an image spec, an architecture, a training "
                    + "configuration, a publish interval and a promotion policy");
        }
        if (image.channels() != architecture.channels() || image.crop() != architecture.height()
                || image.crop() != architecture.width()) {
            throw new InvalidSettingException("image-crop", "gives the network " + image.channels() + "x"
                    + image.crop() + "x" + image.crop() + " inputs, but the architecture takes "
                    + architecture.channels() + "x" + architecture.height() + "x" + architecture.width());
        }
        if (architecture.kind() == Architecture.Kind.TORCHSCRIPT && backbone == null) {
            throw new InvalidSettingException("architecture", "torchscript needs its module (--backbone-torchscript)");
        }
        if (backbone != null && architecture.kind() == Architecture.Kind.CNN) {
            throw new InvalidSettingException("backbone-weights", "need a torchvision architecture (resnet18, "
                    + "resnet50), not " + architecture.kind().name().toLowerCase(Locale.ROOT));
        }
        BatchShapeRules.check(training, classesPerBatch, samplesPerClass);
        if (publishEverySteps < 1) {
            throw new InvalidSettingException("publish-every-steps", "must be at least 1, got " + publishEverySteps);
        }
        if (publishInterval.toMillis() <= 0 || publishInterval.compareTo(Duration.ofDays(1)) > 0) {
            throw new InvalidSettingException("publish-interval", "must be within (0, 86400] seconds, got "
                    + publishInterval.toMillis() / 1000.0);
        }
        if (!(heldOutShare >= 0 && heldOutShare <= 0.5)) {
            throw new InvalidSettingException("held-out-share", "must be within 0..0.5, got " + heldOutShare);
        }
    }

    /** The job's defaults for every catalog: {@code new CatalogSettingsBuilder().build()}. */
    public static CatalogSettings defaults() {
        return new CatalogSettingsBuilder().build();
    }

    /** A builder that starts from these settings. */
    public CatalogSettingsBuilder toBuilder() {
        return CatalogSettingsBuilder.from(this);
    }

    /** Whether a model trained under {@code other} has this model's shape (same network, same inputs). */
    public boolean sameModelShape(CatalogSettings other) {
        return architecture.equals(other.architecture) && image.channels() == other.image.channels()
                && image.crop() == other.image.crop();
    }

    /**
     * The trainer's settings for this catalog.
     *
     * @param seed               initial weights (the same for every catalog)
     * @param device             where the trainer runs
     * @param heldOutCapacity    held-out items kept per catalog
     * @param evaluationMinItems fewer held-out items: no evaluation figures yet
     * @param onIncompatibleState what a restore does with state the architecture or optimizer cannot take
     */
    public TrainerSettings trainer(long seed, DeviceSpec device, int heldOutCapacity, int evaluationMinItems,
            IncompatibleStatePolicy onIncompatibleState) {
        return new TrainerSettings(architecture, training, seed, device, publishEverySteps, publishInterval,
                heldOutCapacity, evaluationMinItems, onIncompatibleState, backbone, image, promotion);
    }

    /**
     * The batch builder's policy for this catalog.
     *
     * @param freshPerBatch new samples that trigger a batch; null: half a batch
     */
    public BatchPolicy batches(long seed, int maxSamplesPerClass, int maxClasses, Integer freshPerBatch) {
        BatchPolicy p = BatchPolicy.of(classesPerBatch, samplesPerClass, seed).withMaxSamplesPerClass(maxSamplesPerClass)
                .withMaxClasses(maxClasses);
        return freshPerBatch == null ? p : p.withFreshPerBatch(freshPerBatch);
    }

    /** The TorchScript module the embedder rebuilds this catalog's checkpoints over; null for built-in networks. */
    public String scriptedBackbone() {
        return architecture.kind() == Architecture.Kind.TORCHSCRIPT ? backbone : null;
    }
}
