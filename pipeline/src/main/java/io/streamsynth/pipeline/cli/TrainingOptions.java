package io.streamsynth.pipeline.cli;

import io.streamsynth.model.train.FineTuning;
import io.streamsynth.model.train.TrainingConfig;
import picocli.CommandLine.Option;

/** Loss, synthesis and optimizer flags, shared by the offline trainer and the streaming job. */
public final class TrainingOptions {
    @Option(names = "--loss", description = "contrastive, triplet, lifted, npair or ms (default: ${DEFAULT-VALUE}).")
    String loss = "triplet";

    @Option(names = "--margin", description = "Loss margin (n-pair: scale); default: the loss's own.")
    Float margin;

    @Option(names = "--synthesis", description = "none, ee or symm (default: ${DEFAULT-VALUE}).")
    String synthesis;

    @Option(names = "--ee-points", description = "Synthetic points per pair for ee (default: ${DEFAULT-VALUE}).")
    int eePoints = 2;

    @Option(names = "--mining", description = "Hard negative pair mining with ee or symm: paper (each paper's rule) "
            + "or official (the authors' released code); see the README (default: ${DEFAULT-VALUE}).")
    String mining = "paper";

    @Option(names = "--optimizer", description = "adam or sgd (default: ${DEFAULT-VALUE}).")
    String optimizer = "adam";

    @Option(names = "--lr", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    float learningRate = 1e-3f;

    @Option(names = "--momentum", description = "SGD momentum (default: ${DEFAULT-VALUE}).")
    float momentum = 0.9f;

    // 0 like torch.optim.Adam's default: 5e-4 cost 0.008 zero-shot Recall@1 (docs/RESULTS.md).
    @Option(names = "--weight-decay", description = "L2 weight decay (default: ${DEFAULT-VALUE}).")
    float weightDecay = 0f;

    @Option(names = "--backbone-lr-factor",
            description = "Backbone learning rate relative to the head's, in (0, 1] (default: ${DEFAULT-VALUE}).")
    float backboneLrFactor = 1f;

    @Option(names = "--freeze-batchnorm",
            description = "Keep the backbone's batch-norm statistics and affine parameters fixed.")
    boolean freezeBatchNorm;

    @Option(names = "--freeze-backbone-steps", paramLabel = "N",
            description = "Train only the head for the first N steps (default: ${DEFAULT-VALUE}).")
    int freezeBackboneSteps;

    /** The options with these defaults for the loss and the synthesis method. */
    static TrainingOptions withDefaults(String loss, String synthesis) {
        TrainingOptions o = new TrainingOptions();
        o.loss = loss;
        o.synthesis = synthesis;
        return o;
    }

    TrainingConfig toConfig() {
        return new TrainingConfig(loss, margin == null ? Float.NaN : margin, synthesis, eePoints, mining, optimizer,
                learningRate, momentum, weightDecay,
                new FineTuning(backboneLrFactor, freezeBatchNorm, freezeBackboneSteps));
    }
}
