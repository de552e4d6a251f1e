package io.streamsynth.model.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import io.streamsynth.model.mining.MinedPairs;
import io.streamsynth.model.runtime.OwnedScalars;
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
        // log(1 + sum_k exp(s*(neg_ik - pos_ij))) = softplus(z) with z = logsumexp_k(s*neg_ik) - s*pos_ij;
        // the log-sum-exp reads the row's negatives only, shifted by their maximum, so it stays finite
        // when every negative is far below the positive
        NDArray logSumNeg = Masked.logSumExpPerRow(OwnedScalars.mul(p.negativeSimilarity(), scale), p.negativeMask());
        NDArray z = logSumNeg.expandDims(1).sub(OwnedScalars.mul(p.similarity(), scale));
        NDArray softplus = OwnedScalars.maximum(z, 0f).add(z.abs().neg().exp().add(1f).log());
        // an anchor without negatives pays log(1 + 0) = 0
        NDArray terms = NDArrays.where(Masked.rowsWithAny(p.negativeMask()).expandDims(1).broadcast(softplus.getShape()),
                softplus, softplus.zerosLike());
        return Masked.mean(terms, p.positiveMask());
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
