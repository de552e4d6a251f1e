package io.streamsynth.model.loss;

import ai.djl.ndarray.NDArray;
import io.streamsynth.model.mining.MinedPairs;
import java.util.Map;

/**
 * Multi-class N-pair loss (Sohn, NeurIPS 2016, eq. 3) generalised to P x K batches: for each anchor i
 * and positive j, log(1 + sum_{k in N_i} exp(s * (f_i.f_k - f_i.f_j))), averaged over ordered
 * positive pairs. Sohn regularises unnormalised embeddings with an L2 penalty; ours are on the unit
 * sphere, where similarities stay in [-1, 1], so a fixed scale s (default 10) takes that role and
 * lets the softmax sharpen.
 */
public final class NPairLoss implements MetricLoss {
    public static final float DEFAULT_SCALE = 10f;

    private final float scale;

    public NPairLoss(float scale) {
        if (!(scale > 0f && scale <= 100f)) {
            throw new IllegalArgumentException("n-pair scale must be in (0, 100], got " + scale);
        }
        this.scale = scale;
    }

    @Override
    public NDArray compute(MinedPairs p) {
        // exp(s*(neg - pos)) summed over negatives = exp(-s*pos) * sum exp(s*neg); logs keep it stable
        NDArray negatives = p.negativeSimilarity().mul(scale);
        NDArray rowMax = negatives.stopGradient().max(new int[] {1}, true);
        NDArray logSumNeg = Masked.sumExpPerRow(negatives.sub(rowMax), p.negativeMask()).log()
                .expandDims(1).add(rowMax);
        NDArray z = logSumNeg.sub(p.similarity().mul(scale));
        NDArray softplus = z.maximum(0f).add(z.abs().mul(-1f).exp().add(1f).log());
        return Masked.mean(softplus, p.positiveMask());
    }

    @Override
    public String name() {
        return "npair";
    }

    @Override
    public Map<String, Object> hyperParameters() {
        return Map.of("scale", scale);
    }
}
