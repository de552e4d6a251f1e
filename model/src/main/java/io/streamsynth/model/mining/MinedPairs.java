package io.streamsynth.model.mining;

import ai.djl.ndarray.NDArray;
import io.streamsynth.model.runtime.OwnedScalars;

/**
 * What a loss needs from a batch of B originals after hard negative pair mining.
 *
 * @param similarity          (B, B) cosine similarity between the originals; losses read positives here
 * @param negativeSimilarity  (B, B) for each pair of samples, the highest similarity among the candidate
 *                            point pairs the mining rule allows ({@link MiningPlan}): the hardest
 *                            negative pair; equal to {@code similarity} without synthesis
 * @param positiveMask        (B, B) 1 where labels agree and i != j
 * @param negativeMask        (B, B) 1 where labels differ
 * @param syntheticShare      share of negative pairs whose hardest pair involves a synthetic point
 */
public record MinedPairs(NDArray similarity, NDArray negativeSimilarity, NDArray positiveMask,
        NDArray negativeMask, double syntheticShare) {

    /** Squared Euclidean distance is 2 - 2 s on the unit sphere; the floor keeps sqrt differentiable at 0. */
    public static NDArray distance(NDArray cosine) {
        return OwnedScalars.maximum(OwnedScalars.mul(cosine, -2f).add(2f), 1e-12f).sqrt();
    }
}
