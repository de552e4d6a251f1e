package io.streamsynth.model.train;

import io.streamsynth.model.mining.MiningRule;

/**
 * Builds a {@link TrainingConfig}; holds the defaults of every training setting (those of
 * {@link TrainingConfig#defaults()}: triplet loss, no synthesis, Adam at 1e-3 without weight decay,
 * two EE points, the papers' mining rule, no fine-tuning controls). The streaming job's catalogs start
 * from other loss and synthesis defaults ({@code CatalogSettingsBuilder}); the rest are these.
 */
public final class TrainingConfigBuilder {
    public static final String DEFAULT_LOSS = "triplet";
    public static final String DEFAULT_SYNTHESIS = "none";
    public static final int DEFAULT_EE_POINTS = 2;
    public static final String DEFAULT_MINING = "paper";
    public static final String DEFAULT_OPTIMIZER = "adam";
    public static final float DEFAULT_LEARNING_RATE = 1e-3f;
    public static final float DEFAULT_MOMENTUM = 0.9f;
    // 0 like torch.optim.Adam's default and the plain PyTorch loop of docs/RESULTS.md (the 0.008 zero-shot
    // Recall@1 that 5e-4 cost at c3ff790 came from runs withdrawn there as possibly carrying the freed-constant bug).
    public static final float DEFAULT_WEIGHT_DECAY = 0f;
    public static final float DEFAULT_BACKBONE_LR_FACTOR = 1f;

    private String loss = DEFAULT_LOSS;
    private float margin = Float.NaN;
    private String synthesis = DEFAULT_SYNTHESIS;
    private int eePoints = DEFAULT_EE_POINTS;
    private String mining = DEFAULT_MINING;
    private String optimizer = DEFAULT_OPTIMIZER;
    private float learningRate = DEFAULT_LEARNING_RATE;
    private float momentum = DEFAULT_MOMENTUM;
    private float weightDecay = DEFAULT_WEIGHT_DECAY;
    private float backboneLrFactor = DEFAULT_BACKBONE_LR_FACTOR;
    private boolean freezeBatchNorm;
    private int freezeBackboneSteps;

    /** A builder that starts from {@code c}. */
    public static TrainingConfigBuilder from(TrainingConfig c) {
        TrainingConfigBuilder b = new TrainingConfigBuilder();
        b.loss = c.loss();
        b.margin = c.margin();
        b.synthesis = c.synthesis();
        b.eePoints = c.syntheticPoints();
        b.mining = c.mining();
        b.optimizer = c.optimizer();
        b.learningRate = c.learningRate();
        b.momentum = c.momentum();
        b.weightDecay = c.weightDecay();
        b.backboneLrFactor = c.fineTuning().backboneLrFactor();
        b.freezeBatchNorm = c.fineTuning().freezeBatchNorm();
        b.freezeBackboneSteps = c.fineTuning().freezeBackboneSteps();
        return b;
    }

    /** contrastive, triplet, lifted, npair or ms. */
    public TrainingConfigBuilder loss(String value) {
        loss = value;
        return this;
    }

    /** Loss margin (n-pair: scale); NaN for the loss's own. */
    public TrainingConfigBuilder margin(float value) {
        margin = value;
        return this;
    }

    /** none, ee or symm. */
    public TrainingConfigBuilder synthesis(String value) {
        synthesis = value;
        return this;
    }

    public TrainingConfigBuilder eePoints(int value) {
        eePoints = value;
        return this;
    }

    /** paper or official ({@link MiningRule}). */
    public TrainingConfigBuilder mining(String value) {
        mining = value;
        return this;
    }

    /** adam or sgd. */
    public TrainingConfigBuilder optimizer(String value) {
        optimizer = value;
        return this;
    }

    public TrainingConfigBuilder learningRate(float value) {
        learningRate = value;
        return this;
    }

    public TrainingConfigBuilder momentum(float value) {
        momentum = value;
        return this;
    }

    public TrainingConfigBuilder weightDecay(float value) {
        weightDecay = value;
        return this;
    }

    public TrainingConfigBuilder backboneLrFactor(float value) {
        backboneLrFactor = value;
        return this;
    }

    public TrainingConfigBuilder freezeBatchNorm(boolean value) {
        freezeBatchNorm = value;
        return this;
    }

    public TrainingConfigBuilder freezeBackboneSteps(int value) {
        freezeBackboneSteps = value;
        return this;
    }

    public String synthesis() {
        return synthesis;
    }

    /**
     * @throws IllegalArgumentException naming the setting: an unknown loss, synthesis, mining rule or
     *                                  optimizer, or a value out of its range
     */
    public TrainingConfig build() {
        return new TrainingConfig(loss, margin, synthesis, eePoints, mining, optimizer, learningRate, momentum,
                weightDecay, new FineTuning(backboneLrFactor, freezeBatchNorm, freezeBackboneSteps));
    }
}
