package io.streamsynth.model.synthesis;

import ai.djl.ndarray.NDArray;
import io.streamsynth.model.mining.MiningPlan;
import io.streamsynth.model.mining.MiningRule;

/**
 * Makes synthetic points from a batch of L2-normalised embeddings without adding parameters.
 *
 * <p>The result is a tensor of groups, shape (B, 1 + {@link #pointsPerSample()}, D): slot 0 of row i
 * is embedding i itself and the other slots are the synthetic points attributed to it. The hard
 * negative pair miner compares groups, so a method only decides which points stand with a sample.
 * Synthetic points are computed from the originals with differentiable operations, so the loss's
 * gradient reaches the originals through them.
 */
public interface Synthesis {
    /**
     * @param embeddings (B, D) unit-norm rows
     * @param labels     class of each row
     * @return groups (B, 1 + pointsPerSample(), D)
     */
    NDArray expand(NDArray embeddings, int[] labels);

    /** Synthetic points attributed to each sample. */
    int pointsPerSample();

    /** The name used in flags and checkpoint metadata. */
    String name();

    /**
     * Which of a pair's points hard negative pair mining compares under a rule: the method's paper
     * and its authors' code disagree for both methods, so each method states both.
     */
    MiningPlan miningPlan(MiningRule rule);
}
