package io.streamsynth.model.loss;

import ai.djl.ndarray.NDArray;
import io.streamsynth.model.mining.MinedPairs;
import io.streamsynth.model.runtime.OwnedScalars;
import java.util.Map;

/**
 * Contrastive loss (Hadsell, Chopra and LeCun, CVPR 2006) on Euclidean distances between unit
 * vectors: positives pay d^2, negatives pay max(0, margin - d)^2, each side averaged over its pairs.
 */
public final class ContrastiveLoss implements MetricLoss {
    public static final float DEFAULT_MARGIN = 1.0f;

    private final float margin;

    public ContrastiveLoss(float margin) {
        if (!(margin > 0f && margin <= 2f)) {
            throw new IllegalArgumentException("contrastive margin must be in (0, 2] (unit-sphere distances), got " + margin);
        }
        this.margin = margin;
    }

    @Override
    public NDArray compute(MinedPairs p) {
        NDArray positive = MinedPairs.distance(p.similarity()).square();
        NDArray negative = OwnedScalars.maximum(MinedPairs.distance(p.negativeSimilarity()).neg().add(margin), 0f)
                .square();
        return Masked.mean(positive, p.positiveMask()).add(Masked.mean(negative, p.negativeMask()));
    }

    @Override
    public String name() {
        return "contrastive";
    }

    @Override
    public Map<String, Object> hyperParameters() {
        return Map.of("margin", margin);
    }
}
