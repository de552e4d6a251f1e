package io.streamsynth.operators.train;

import io.streamsynth.model.image.ImageSpec;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.runtime.DeviceSpec;
import io.streamsynth.model.train.BackboneFile;
import io.streamsynth.operators.backbone.BackboneFiles;
import io.streamsynth.model.train.TrainingConfig;
import java.io.Serializable;
import java.time.Duration;

/**
 * How the streaming trainer trains and publishes, validated once.
 *
 * @param architecture       the network every catalog trains
 * @param training           loss, synthesis and optimizer
 * @param seed               initial weights (the same for every catalog)
 * @param device             auto, cpu or gpu:N
 * @param publishEverySteps  publish a new version after this many steps...
 * @param publishInterval    ...or this long after the last publish, whichever comes first
 * @param heldOutCapacity    held-out items kept per catalog for evaluation (oldest dropped first)
 * @param evaluationMinItems fewer held-out items than this: no evaluation figures yet
 * @param onIncompatibleState what a restore does with a catalog state that the architecture or optimizer cannot take
 * @param backboneWeights    the backbone file, a path or Flink file system URI each TaskManager can read
 *                           ({@link io.streamsynth.operators.backbone.BackboneFiles}): for resnet18/50 a
 *                           torchvision state_dict as safetensors that every new catalog starts from (null:
 *                           random initialisation); for torchscript the module itself (required). When the
 *                           architecture records a {@code backboneSha256}, the file read must have it
 * @param image              what images go through before the network; its crop is the
 *                           architecture's height and width, and its channels the architecture's
 * @param promotion          when a trained version replaces the served one; null: {@link PromotionPolicy#defaults}
 *                           of the publish interval
 */
public record TrainerSettings(Architecture architecture, TrainingConfig training, long seed, DeviceSpec device,
        int publishEverySteps, Duration publishInterval, int heldOutCapacity, int evaluationMinItems,
        IncompatibleStatePolicy onIncompatibleState, String backboneWeights, ImageSpec image,
        PromotionPolicy promotion) implements Serializable {

    /** With the default promotion policy. */
    public TrainerSettings(Architecture architecture, TrainingConfig training, long seed, DeviceSpec device,
            int publishEverySteps, Duration publishInterval, int heldOutCapacity, int evaluationMinItems,
            IncompatibleStatePolicy onIncompatibleState, String backboneWeights, ImageSpec image) {
        this(architecture, training, seed, device, publishEverySteps, publishInterval, heldOutCapacity,
                evaluationMinItems, onIncompatibleState, backboneWeights, image, null);
    }

    /**
     * Failing on an incompatible restore, the job's default, without a pretrained backbone, images
     * reaching the network unchanged ({@link ImageSpec#unchanged} of the architecture's size).
     */
    public TrainerSettings(Architecture architecture, TrainingConfig training, long seed, DeviceSpec device,
            int publishEverySteps, Duration publishInterval, int heldOutCapacity, int evaluationMinItems) {
        this(architecture, training, seed, device, publishEverySteps, publishInterval, heldOutCapacity,
                evaluationMinItems, IncompatibleStatePolicy.FAIL, null,
                ImageSpec.unchanged(architecture.channels(), architecture.height()));
    }

    /** As the eight-argument form, every new catalog starting from {@code backboneWeights}. */
    public TrainerSettings(Architecture architecture, TrainingConfig training, long seed, DeviceSpec device,
            int publishEverySteps, Duration publishInterval, int heldOutCapacity, int evaluationMinItems,
            String backboneWeights) {
        this(architecture, training, seed, device, publishEverySteps, publishInterval, heldOutCapacity,
                evaluationMinItems, IncompatibleStatePolicy.FAIL, backboneWeights,
                ImageSpec.unchanged(architecture.channels(), architecture.height()));
    }

    /** As the eight-argument form, with images preprocessed by {@code image}. */
    public TrainerSettings(Architecture architecture, TrainingConfig training, long seed, DeviceSpec device,
            int publishEverySteps, Duration publishInterval, int heldOutCapacity, int evaluationMinItems,
            ImageSpec image) {
        this(architecture, training, seed, device, publishEverySteps, publishInterval, heldOutCapacity,
                evaluationMinItems, IncompatibleStatePolicy.FAIL, null, image);
    }

    /** The same settings with another policy for incompatible restores. */
    public TrainerSettings withOnIncompatibleState(IncompatibleStatePolicy policy) {
        return new TrainerSettings(architecture, training, seed, device, publishEverySteps, publishInterval,
                heldOutCapacity, evaluationMinItems, policy, backboneWeights, image, promotion);
    }

    /** The same settings with another promotion policy. */
    public TrainerSettings withPromotion(PromotionPolicy policy) {
        return new TrainerSettings(architecture, training, seed, device, publishEverySteps, publishInterval,
                heldOutCapacity, evaluationMinItems, onIncompatibleState, backboneWeights, image, policy);
    }

    public TrainerSettings {
        if (onIncompatibleState == null) {
            throw new IllegalArgumentException("on-incompatible-state must be new-lineage or fail");
        }
        if (image == null) {
            throw new IllegalArgumentException("image spec must not be null");
        }
        if (image.channels() != architecture.channels() || image.crop() != architecture.height()
                || image.crop() != architecture.width()) {
            throw new IllegalArgumentException("the network takes " + architecture.channels() + "x"
                    + architecture.height() + "x" + architecture.width() + " inputs but the image crop is "
                    + image.channels() + "x" + image.crop() + "x" + image.crop());
        }
        if (publishEverySteps < 1) {
            throw new IllegalArgumentException("publish-every-steps must be at least 1, got " + publishEverySteps);
        }
        if (publishInterval.isNegative() || publishInterval.isZero()) {
            throw new IllegalArgumentException("publish-interval must be positive, got " + publishInterval);
        }
        if (promotion == null) {
            promotion = PromotionPolicy.defaults(publishInterval);
        }
        if (heldOutCapacity < 0 || heldOutCapacity > 1_000_000) {
            throw new IllegalArgumentException("held-out-capacity must be within 0..1000000, got " + heldOutCapacity);
        }
        if (architecture.kind() == Architecture.Kind.TORCHSCRIPT && backboneWeights == null) {
            throw new IllegalArgumentException("a torchscript architecture needs its module (--backbone-torchscript)");
        }
        if (backboneWeights != null && architecture.kind() == Architecture.Kind.CNN) {
            throw new IllegalArgumentException("backbone weights need a torchvision architecture (resnet18, resnet50), not "
                    + architecture.kind().name().toLowerCase(java.util.Locale.ROOT));
        }
        if (evaluationMinItems < 2) {
            throw new IllegalArgumentException("evaluation-min-items must be at least 2, got " + evaluationMinItems);
        }
    }

    /**
     * The TorchScript module of a torchscript architecture, read from {@link #backboneWeights()} through
     * Flink's file systems; null for the built-in networks.
     *
     * @throws IllegalArgumentException when it cannot be read
     */
    public BackboneFile readScriptedBackbone() {
        return architecture.kind() == Architecture.Kind.TORCHSCRIPT ? BackboneFiles.read(backboneWeights) : null;
    }
}
