package io.streamsynth.pipeline.cli;

import io.streamsynth.model.train.TrainingConfigBuilder;
import picocli.CommandLine.Option;

/**
 * Loss, synthesis and optimizer flags, shared by the offline trainer and the streaming job. They only map
 * onto {@link TrainingConfigBuilder}, which holds the defaults; a flag not given is null here.
 */
public final class TrainingOptions {
    @Option(names = "--loss", description = "contrastive, triplet, lifted, npair or ms (default: ${DEFAULT-VALUE}).")
    String loss;

    @Option(names = "--margin", description = "Loss margin (n-pair: scale); default: the loss's own.")
    Float margin;

    @Option(names = "--synthesis", description = "none, ee or symm (default: ${DEFAULT-VALUE}).")
    String synthesis;

    @Option(names = "--ee-points", description = "Synthetic points per pair for ee (default: "
            + TrainingConfigBuilder.DEFAULT_EE_POINTS + ").")
    Integer eePoints;

    @Option(names = "--mining", description = "Hard negative pair mining with ee or symm: paper (each paper's rule) "
            + "or official (the authors' released code); see the README (default: "
            + TrainingConfigBuilder.DEFAULT_MINING + ").")
    String mining;

    @Option(names = "--optimizer", description = "adam or sgd (default: " + TrainingConfigBuilder.DEFAULT_OPTIMIZER
            + ").")
    String optimizer;

    @Option(names = "--lr", description = "Learning rate (default: " + TrainingConfigBuilder.DEFAULT_LEARNING_RATE
            + ").")
    Float learningRate;

    @Option(names = "--momentum", description = "SGD momentum (default: " + TrainingConfigBuilder.DEFAULT_MOMENTUM
            + ").")
    Float momentum;

    @Option(names = "--weight-decay", description = "L2 weight decay (default: "
            + TrainingConfigBuilder.DEFAULT_WEIGHT_DECAY + ").")
    Float weightDecay;

    @Option(names = "--backbone-lr-factor",
            description = "Backbone learning rate relative to the head's, in (0, 1] (default: "
                    + TrainingConfigBuilder.DEFAULT_BACKBONE_LR_FACTOR + ").")
    Float backboneLrFactor;

    @Option(names = "--freeze-batchnorm",
            description = "Keep the backbone's batch-norm statistics and affine parameters fixed.")
    boolean freezeBatchNorm;

    @Option(names = "--freeze-backbone-steps", paramLabel = "N",
            description = "Train only the head for the first N steps (default: 0).")
    Integer freezeBackboneSteps;

    /**
     * The flags of a command whose builder starts from these loss and synthesis defaults: picocli shows a
     * field's initial value as its default, so {@code --help} names the builder's.
     */
    TrainingOptions(String defaultLoss, String defaultSynthesis) {
        this.loss = defaultLoss;
        this.synthesis = defaultSynthesis;
    }

    /** Sets the flags given on {@code training}. */
    void applyTo(TrainingConfigBuilder training) {
        training.loss(loss).synthesis(synthesis);
        if (margin != null) {
            training.margin(margin);
        }
        if (eePoints != null) {
            training.eePoints(eePoints);
        }
        if (mining != null) {
            training.mining(mining);
        }
        if (optimizer != null) {
            training.optimizer(optimizer);
        }
        if (learningRate != null) {
            training.learningRate(learningRate);
        }
        if (momentum != null) {
            training.momentum(momentum);
        }
        if (weightDecay != null) {
            training.weightDecay(weightDecay);
        }
        if (backboneLrFactor != null) {
            training.backboneLrFactor(backboneLrFactor);
        }
        if (freezeBatchNorm) {
            training.freezeBatchNorm(true);
        }
        if (freezeBackboneSteps != null) {
            training.freezeBackboneSteps(freezeBackboneSteps);
        }
    }
}
