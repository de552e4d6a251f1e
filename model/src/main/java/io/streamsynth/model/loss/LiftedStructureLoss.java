package io.streamsynth.model.loss;

import ai.djl.ndarray.NDArray;
import io.streamsynth.model.mining.MinedPairs;
import java.util.Map;

/**
 * Lifted structured loss (Oh Song et al., CVPR 2016, eq. 4): for each positive pair (i, j),
 * J_ij = log(sum_{k in N_i} exp(alpha - D_ik) + sum_{l in N_j} exp(alpha - D_jl)) + D_ij, and the
 * loss is 1/(2|P|) sum over positive pairs of max(0, J_ij)^2. Counting ordered pairs, each
 * unordered pair appears twice, which turns 1/(2|P|) into half the mean over ordered pairs.
 */
public final class LiftedStructureLoss implements MetricLoss {
    public static final float DEFAULT_MARGIN = 1.0f;

    private final float margin;

    public LiftedStructureLoss(float margin) {
        if (!(margin > 0f && margin <= 4f)) {
            throw new IllegalArgumentException("lifted structure margin (alpha) must be in (0, 4], got " + margin);
        }
        this.margin = margin;
    }

    @Override
    public NDArray compute(MinedPairs p) {
        NDArray negativeTerms = Masked.sumExpPerRow(
                MinedPairs.distance(p.negativeSimilarity()).mul(-1f).add(margin), p.negativeMask());
        NDArray pairTerms = negativeTerms.expandDims(1).add(negativeTerms.expandDims(0));
        NDArray j = pairTerms.log().add(MinedPairs.distance(p.similarity()));
        return Masked.mean(j.maximum(0f).square(), p.positiveMask()).div(2f);
    }

    @Override
    public String name() {
        return "lifted";
    }

    @Override
    public Map<String, Object> hyperParameters() {
        return Map.of("margin", margin);
    }
}
