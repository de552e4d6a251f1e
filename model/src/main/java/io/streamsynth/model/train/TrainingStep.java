package io.streamsynth.model.train;

import io.streamsynth.model.runtime.HostArrays;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.streamsynth.model.loss.MetricLoss;
import io.streamsynth.model.mining.CrossBatchMemory;
import io.streamsynth.model.mining.HardNegativePairMiner;
import io.streamsynth.model.mining.MinedPairs;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.net.EmbeddingNet;
import io.streamsynth.model.runtime.TorchRuntime;
import io.streamsynth.model.synthesis.Synthesis;

/**
 * One metric-learning step: forward pass, synthesis, hard negative pair mining, loss, backward pass
 * and optimizer update. The step owns a manager for its activations and closes it before returning.
 */
public final class TrainingStep implements AutoCloseable {
    private final EmbeddingModel model;
    private final Synthesis synthesis;
    private final MetricLoss loss;
    private final ParameterOptimizer optimizer;
    private final HardNegativePairMiner miner;
    private final FineTuning fineTuning;
    /** null without one; lives as long as this step object (not part of a checkpoint). */
    private final CrossBatchMemory memory;
    private final int memoryWarmupSteps;

    public TrainingStep(EmbeddingModel model, TrainingConfig config) {
        this.model = model;
        this.synthesis = config.newSynthesis();
        this.loss = config.newLoss();
        this.miner = config.newMiner();
        this.optimizer = config.newOptimizer(model.manager());
        this.fineTuning = config.fineTuning();
        this.memory = config.newMemory();
        this.memoryWarmupSteps = config.memoryWarmupSteps();
        model.net().freezeBatchNorm(fineTuning.freezeBatchNorm());
    }

    public EmbeddingModel model() {
        return model;
    }

    public ParameterOptimizer optimizer() {
        return optimizer;
    }

    /**
     * @param pixels images row-major (N, C, H, W), values in [0, 1]
     * @param labels class of each image; at least two classes, an even count per class when synthesising
     */
    public StepResult run(float[] pixels, int[] labels) {
        long start = System.nanoTime();
        Architecture a = model.architecture();
        if (pixels.length != labels.length * a.pixelsPerImage()) {
            throw new IllegalArgumentException("batch of " + labels.length + " labels needs "
                    + labels.length * a.pixelsPerImage() + " pixels, got " + pixels.length);
        }
        float lossValue;
        double share;
        boolean applied;
        // decided from the optimizer's count, so a restored job thaws the backbone at the same step
        boolean warmUp = optimizer.steps() < fineTuning.freezeBackboneSteps();
        if (warmUp != model.net().isBackboneFrozen()) {
            model.net().freezeBackbone(warmUp);
        }
        // the optimizer's count, as for the backbone: the memory neither fills nor counts before its warm-up ends
        boolean withMemory = memory != null && optimizer.steps() >= memoryWarmupSteps;
        try (NDManager step = model.manager().newSubManager()) {
            NDArray images = HostArrays.floats(step, pixels,
                    new Shape(labels.length, a.channels(), a.height(), a.width()));
            try (GradientCollector collector = TorchRuntime.engine().newGradientCollector()) {
                NDArray embeddings = model.forward(images, true);
                MinedPairs pairs = miner.mine(synthesis.expand(embeddings, labels), labels);
                if (withMemory) {
                    pairs = memory.extend(pairs, embeddings, labels);
                }
                NDArray value = loss.compute(pairs);
                float factor = fineTuning.backboneLrFactor();
                applied = optimizer.minimize(value, collector, model.parameters(),
                        name -> EmbeddingNet.isHead(name) ? 1f : factor);
                lossValue = value.getFloat();
                share = pairs.syntheticShare();
                if (withMemory) {
                    // after the loss: a batch's pairs with itself are the batch block's, not the memory's
                    memory.enqueue(embeddings, labels);
                }
            }
        }
        return new StepResult(optimizer.steps(), lossValue, share, (System.nanoTime() - start) / 1e6, applied);
    }

    @Override
    public void close() {
        optimizer.close();
    }
}
