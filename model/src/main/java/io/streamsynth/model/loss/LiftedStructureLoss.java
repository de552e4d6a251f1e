package io.streamsynth.model.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.Shape;
import io.streamsynth.model.mining.MinedPairs;
import io.streamsynth.model.runtime.OwnedScalars;
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
        NDArray logNegatives = Masked.logSumExpPerRow(
                MinedPairs.distance(p.negativeSimilarity()).neg().add(margin), p.negativeMask());
        NDArray has = Masked.rowsWithAny(p.negativeMask());
        Shape square = p.positiveMask().getShape();
        NDArray a = logNegatives.expandDims(1).broadcast(square);
        NDArray b = logNegatives.expandDims(0).broadcast(square);
        NDArray hasA = has.expandDims(1).broadcast(square);
        NDArray hasB = has.expandDims(0).broadcast(square);
        // log(sum over N_i + sum over N_j) from the two rows' log-sum-exps; a row without negatives
        // adds nothing, and a pair where neither has any has no J and drops out of the mean
        NDArray logBoth = NDArrays.where(hasA.logicalAnd(hasB), Masked.logAddExp(a, b), NDArrays.where(hasA, a, b));
        NDArray j = logBoth.add(MinedPairs.distance(p.similarity()));
        NDArray pairs = p.positiveMask().mul(hasA.logicalOr(hasB).toType(p.positiveMask().getDataType(), false));
        return OwnedScalars.div(Masked.mean(OwnedScalars.maximum(j, 0f).square(), pairs), 2f);
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
