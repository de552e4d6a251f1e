package io.streamsynth.operators.train;

import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.runtime.DeviceSpec;
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
 * @param backboneWeights    pretrained backbone (a torchvision state_dict as safetensors) every new catalog
 *                           starts from, a path each TaskManager can read; null: random initialisation
 */
public record TrainerSettings(Architecture architecture, TrainingConfig training, long seed, DeviceSpec device,
        int publishEverySteps, Duration publishInterval, int heldOutCapacity, int evaluationMinItems,
        IncompatibleStatePolicy onIncompatibleState, String backboneWeights) implements Serializable {

    /** Failing on an incompatible restore, the job's default, without a pretrained backbone. */
    public TrainerSettings(Architecture architecture, TrainingConfig training, long seed, DeviceSpec device,
            int publishEverySteps, Duration publishInterval, int heldOutCapacity, int evaluationMinItems) {
        this(architecture, training, seed, device, publishEverySteps, publishInterval, heldOutCapacity,
                evaluationMinItems, IncompatibleStatePolicy.FAIL, null);
    }

    /** Failing on an incompatible restore, every new catalog starting from {@code backboneWeights}. */
    public TrainerSettings(Architecture architecture, TrainingConfig training, long seed, DeviceSpec device,
            int publishEverySteps, Duration publishInterval, int heldOutCapacity, int evaluationMinItems,
            String backboneWeights) {
        this(architecture, training, seed, device, publishEverySteps, publishInterval, heldOutCapacity,
                evaluationMinItems, IncompatibleStatePolicy.FAIL, backboneWeights);
    }

    /** The same settings with another policy for incompatible restores. */
    public TrainerSettings withOnIncompatibleState(IncompatibleStatePolicy policy) {
        return new TrainerSettings(architecture, training, seed, device, publishEverySteps, publishInterval,
                heldOutCapacity, evaluationMinItems, policy, backboneWeights);
    }

    public TrainerSettings {
        if (onIncompatibleState == null) {
            throw new IllegalArgumentException("on-incompatible-state must be new-lineage or fail");
        }
        if (publishEverySteps < 1) {
            throw new IllegalArgumentException("publish-every-steps must be at least 1, got " + publishEverySteps);
        }
        if (publishInterval.isNegative() || publishInterval.isZero()) {
            throw new IllegalArgumentException("publish-interval must be positive, got " + publishInterval);
        }
        if (heldOutCapacity < 0 || heldOutCapacity > 1_000_000) {
            throw new IllegalArgumentException("held-out-capacity must be within 0..1000000, got " + heldOutCapacity);
        }
        if (backboneWeights != null && !architecture.isTorchvision()) {
            throw new IllegalArgumentException("backbone weights need a torchvision architecture (resnet18, resnet50), not "
                    + architecture.kind().name().toLowerCase(java.util.Locale.ROOT));
        }
        if (evaluationMinItems < 2) {
            throw new IllegalArgumentException("evaluation-min-items must be at least 2, got " + evaluationMinItems);
        }
    }
}
