package io.streamsynth.operators.train;

import io.streamsynth.model.image.ImageSpec;
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
 * @param image              what images go through before the network; its crop is the
 *                           architecture's height and width, and its channels the architecture's
 */
public record TrainerSettings(Architecture architecture, TrainingConfig training, long seed, DeviceSpec device,
        int publishEverySteps, Duration publishInterval, int heldOutCapacity, int evaluationMinItems,
        ImageSpec image) implements Serializable {

    /** Settings whose images reach the network unchanged: {@link ImageSpec#unchanged} of the architecture's size. */
    public TrainerSettings(Architecture architecture, TrainingConfig training, long seed, DeviceSpec device,
            int publishEverySteps, Duration publishInterval, int heldOutCapacity, int evaluationMinItems) {
        this(architecture, training, seed, device, publishEverySteps, publishInterval, heldOutCapacity,
                evaluationMinItems, ImageSpec.unchanged(architecture.channels(), architecture.height()));
    }

    public TrainerSettings {
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
        if (heldOutCapacity < 0 || heldOutCapacity > 1_000_000) {
            throw new IllegalArgumentException("held-out-capacity must be within 0..1000000, got " + heldOutCapacity);
        }
        if (evaluationMinItems < 2) {
            throw new IllegalArgumentException("evaluation-min-items must be at least 2, got " + evaluationMinItems);
        }
    }
}
