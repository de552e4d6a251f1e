package io.streamsynth.model.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a pretrained backbone is fine-tuned under our head; the usual controls of metric-learning
 * practice (e.g. Musgrave et al., "A Metric Learning Reality Check", ECCV 2020, section 4: frozen
 * batch norm, a smaller backbone learning rate).
 *
 * @param backboneLrFactor    the backbone's learning rate relative to the head's ({@code fc}, {@code avgpool.p}),
 *                            in (0, 1]
 * @param freezeBatchNorm     keep every batch norm of the backbone in inference mode with fixed affine
 *                            parameters: P x K batches of 32 make batch statistics noisy
 * @param freezeBackboneSteps train the head alone for this many optimizer steps first (a warm-up that
 *                            keeps a random head's large early gradients out of pretrained weights)
 */
public record FineTuning(float backboneLrFactor, boolean freezeBatchNorm, int freezeBackboneSteps)
        implements java.io.Serializable {

    public FineTuning {
        if (!(backboneLrFactor > 0f && backboneLrFactor <= 1f)) {
            throw new IllegalArgumentException("backbone-lr-factor must be in (0, 1], got " + backboneLrFactor);
        }
        if (freezeBackboneSteps < 0) {
            throw new IllegalArgumentException("freeze-backbone-steps must be at least 0, got " + freezeBackboneSteps);
        }
    }

    /** Everything trains at one learning rate, batch norm included: training from scratch. */
    public static FineTuning none() {
        return new FineTuning(1f, false, 0);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("backbone_lr_factor", backboneLrFactor);
        m.put("freeze_batchnorm", freezeBatchNorm);
        m.put("freeze_backbone_steps", freezeBackboneSteps);
        return m;
    }
}
