package io.streamsynth.model.train;

import ai.djl.ndarray.NDManager;
import io.streamsynth.model.loss.Losses;
import io.streamsynth.model.loss.MetricLoss;
import io.streamsynth.model.mining.CrossBatchMemory;
import io.streamsynth.model.mining.HardNegativePairMiner;
import io.streamsynth.model.mining.MiningRule;
import io.streamsynth.model.synthesis.Syntheses;
import io.streamsynth.model.synthesis.Synthesis;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How to train: loss, synthesis and optimizer settings, validated once.
 *
 * @param loss            contrastive, triplet, lifted, npair or ms
 * @param margin          loss margin (or n-pair scale); NaN for the loss's default
 * @param synthesis       none, ee or symm
 * @param syntheticPoints synthetic points per pair for ee
 * @param mining          hard negative pair mining rule with synthesis: paper (default) or official
 *                        ({@link MiningRule})
 * @param optimizer       adam or sgd
 * @param learningRate    step size
 * @param momentum        sgd momentum (ignored by adam)
 * @param weightDecay     L2 weight decay
 * @param fineTuning      backbone learning-rate factor and freezing
 * @param memorySize      entries of the cross-batch memory ({@link CrossBatchMemory}); 0, the default, for none
 * @param memoryWarmupSteps steps trained without the memory before it starts (neither filled nor
 *                        used until then): Wang et al. start theirs once the embeddings drift slowly
 *                        (CVPR 2020, section 5); 0, the default, starts it at the first step; above 0
 *                        needs a memory ({@link InvalidSettingException} {@code memory-warmup-steps} otherwise)
 */
public record TrainingConfig(String loss, float margin, String synthesis, int syntheticPoints, String mining,
        String optimizer, float learningRate, float momentum, float weightDecay, FineTuning fineTuning,
        int memorySize, int memoryWarmupSteps) implements java.io.Serializable {

    /** The most cross-batch memory entries accepted: 64k rows of 128 floats is 32 MiB of host memory. */
    public static final int MAX_MEMORY_SIZE = 65_536;

    /** A memory (if any) that starts at the first step. */
    public TrainingConfig(String loss, float margin, String synthesis, int syntheticPoints, String mining,
            String optimizer, float learningRate, float momentum, float weightDecay, FineTuning fineTuning,
            int memorySize) {
        this(loss, margin, synthesis, syntheticPoints, mining, optimizer, learningRate, momentum, weightDecay,
                fineTuning, memorySize, 0);
    }

    /** Without a cross-batch memory. */
    public TrainingConfig(String loss, float margin, String synthesis, int syntheticPoints, String mining,
            String optimizer, float learningRate, float momentum, float weightDecay, FineTuning fineTuning) {
        this(loss, margin, synthesis, syntheticPoints, mining, optimizer, learningRate, momentum, weightDecay,
                fineTuning, 0);
    }

    /** Without fine-tuning controls: one learning rate for every parameter. */
    public TrainingConfig(String loss, float margin, String synthesis, int syntheticPoints, String mining,
            String optimizer, float learningRate, float momentum, float weightDecay) {
        this(loss, margin, synthesis, syntheticPoints, mining, optimizer, learningRate, momentum, weightDecay,
                FineTuning.none());
    }

    public TrainingConfig withFineTuning(FineTuning f) {
        return new TrainingConfig(loss, margin, synthesis, syntheticPoints, mining, optimizer, learningRate, momentum,
                weightDecay, f, memorySize, memoryWarmupSteps);
    }

    /** The same settings with a cross-batch memory of {@code size} entries (0: none). */
    public TrainingConfig withMemorySize(int size) {
        return new TrainingConfig(loss, margin, synthesis, syntheticPoints, mining, optimizer, learningRate, momentum,
                weightDecay, fineTuning, size, memoryWarmupSteps);
    }

    /** The same settings with the cross-batch memory starting after {@code steps} steps. */
    public TrainingConfig withMemoryWarmupSteps(int steps) {
        return new TrainingConfig(loss, margin, synthesis, syntheticPoints, mining, optimizer, learningRate, momentum,
                weightDecay, fineTuning, memorySize, steps);
    }

    /** A new, empty cross-batch memory of this size; null when the size is 0. */
    public CrossBatchMemory newMemory() {
        return memorySize == 0 ? null : new CrossBatchMemory(memorySize);
    }

    public TrainingConfig {
        loss = loss.trim().toLowerCase(Locale.ROOT);
        synthesis = synthesis.trim().toLowerCase(Locale.ROOT);
        mining = MiningRule.parse(mining).flagName();
        optimizer = optimizer.trim().toLowerCase(Locale.ROOT);
        Losses.create(loss, margin);
        Syntheses.create(synthesis, syntheticPoints);
        if (!optimizer.equals("adam") && !optimizer.equals("sgd")) {
            throw new IllegalArgumentException("optimizer must be adam or sgd, got '" + optimizer + "'");
        }
        if (!(learningRate > 0f && learningRate < 10f)) {
            throw new IllegalArgumentException("learning rate must be in (0, 10), got " + learningRate);
        }
        if (!(momentum >= 0f && momentum < 1f)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (fineTuning == null) {
            throw new IllegalArgumentException("fine-tuning settings are required (FineTuning.none() for none)");
        }
        if (!(weightDecay >= 0f && weightDecay < 1f)) {
            throw new IllegalArgumentException("weight decay must be in [0, 1), got " + weightDecay);
        }
        if (memorySize < 0 || memorySize > MAX_MEMORY_SIZE) {
            throw new IllegalArgumentException("memory size must be within 0.." + MAX_MEMORY_SIZE + ", got " + memorySize);
        }
        if (memorySize > 0 && loss.equals("lifted")) {
            // its pair term adds the negatives of row i and of row j, so it needs a square batch matrix
            throw new IllegalArgumentException("a cross-batch memory does not work with the lifted structure loss "
                    + "(it pairs rows with columns); use contrastive, triplet, npair or ms");
        }
        if (memoryWarmupSteps < 0) {
            throw new IllegalArgumentException("memory warm-up steps must be at least 0, got " + memoryWarmupSteps);
        }
        if (memoryWarmupSteps > 0 && memorySize == 0) {
            // a warm-up of no memory would be recorded with the run's figures while changing nothing
            throw new InvalidSettingException("memory-warmup-steps", "needs a cross-batch memory (memory-size above 0), "
                    + "got " + memoryWarmupSteps + " with memory-size 0");
        }
    }

    /** The papers' mining rule. */
    public TrainingConfig(String loss, float margin, String synthesis, int syntheticPoints, String optimizer,
            float learningRate, float momentum, float weightDecay) {
        this(loss, margin, synthesis, syntheticPoints, MiningRule.PAPER.flagName(), optimizer, learningRate, momentum,
                weightDecay);
    }

    /**
     * Triplet loss, no synthesis, Adam at 1e-3 without weight decay (torch.optim.Adam's default, and the
     * plain PyTorch loop's of docs/RESULTS.md, "Against a plain PyTorch loop"; the 0.008 zero-shot
     * Recall@1 that 5e-4 cost at c3ff790 came from runs that could carry the freed-constant bug, whose
     * tables were withdrawn there, "Earlier rounds").
     */
    public static TrainingConfig defaults() {
        return new TrainingConfig("triplet", Float.NaN, "none", 2, "adam", 1e-3f, 0.9f, 0f);
    }

    public MiningRule miningRule() {
        return MiningRule.parse(mining);
    }

    /** The miner for this synthesis method under this rule. */
    public HardNegativePairMiner newMiner() {
        return new HardNegativePairMiner(newSynthesis().miningPlan(miningRule()));
    }

    public MetricLoss newLoss() {
        return Losses.create(loss, margin);
    }

    public Synthesis newSynthesis() {
        return Syntheses.create(synthesis, syntheticPoints);
    }

    public ParameterOptimizer newOptimizer(NDManager manager) {
        return optimizer.equals("adam")
                ? new Adam(manager, learningRate, weightDecay)
                : new SgdMomentum(manager, learningRate, momentum, weightDecay);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("loss", loss);
        m.put("loss_parameters", newLoss().hyperParameters());
        m.put("synthesis", synthesis);
        m.put("synthetic_points", synthesis.equals("ee") ? syntheticPoints : newSynthesis().pointsPerSample());
        m.put("mining", mining);
        m.put("optimizer", optimizer);
        m.put("learning_rate", learningRate);
        m.put("momentum", momentum);
        m.put("weight_decay", weightDecay);
        m.put("fine_tuning", fineTuning.toMap());
        if (memorySize > 0) {
            // absent when off, so checkpoints of runs without a memory keep the metadata they had
            m.put("memory_size", memorySize);
            if (memoryWarmupSteps > 0) {
                m.put("memory_warmup_steps", memoryWarmupSteps);
            }
        }
        return m;
    }
}
