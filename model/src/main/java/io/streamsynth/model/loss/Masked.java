package io.streamsynth.model.loss;

import ai.djl.ndarray.NDArray;

/** Reductions restricted to a 0/1 mask, shared by the losses. */
final class Masked {
    /** Larger than any distance or similarity here, so masked-out entries never win a min or max. */
    private static final float FAR = 1e4f;

    private Masked() {}

    static NDArray maxPerRow(NDArray values, NDArray mask) {
        return values.sub(mask.mul(-1f).add(1f).mul(FAR)).max(new int[] {1});
    }

    static NDArray minPerRow(NDArray values, NDArray mask) {
        return values.add(mask.mul(-1f).add(1f).mul(FAR)).min(new int[] {1});
    }

    /** Mean of values over the mask's ones; 0 when the mask is empty. */
    static NDArray mean(NDArray values, NDArray mask) {
        return values.mul(mask).sum().div(mask.sum().maximum(1f));
    }

    /** Sum over each row of mask * exp(values), with values already bounded by the caller. */
    static NDArray sumExpPerRow(NDArray values, NDArray mask) {
        return values.exp().mul(mask).sum(new int[] {1});
    }
}
