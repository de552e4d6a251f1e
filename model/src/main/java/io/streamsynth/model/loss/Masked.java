package io.streamsynth.model.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.Shape;

/**
 * Reductions over a 0/1 mask that read only the mask's entries, shared by the losses.
 *
 * <p>Masked-out entries are replaced (not multiplied by zero, not offset by a large constant)
 * before anything non-linear touches them, so neither a value nor a gradient of an entry outside
 * the mask can reach the result: 0 * inf is NaN, and an offset can lose to a far enough value.
 * Every function is finite for finite inputs, including a row with no entries, whose value is
 * documented per function; callers drop such rows with {@link #rowsWithAny}.
 */
final class Masked {
    private Masked() {}

    /** (B,) boolean: whether row i of a (B, B) mask has any entry. */
    static NDArray rowsWithAny(NDArray mask) {
        return mask.sum(new int[] {1}).gt(0.5f);
    }

    /** Max over each row's entries; 0 for a row without entries. */
    static NDArray maxPerRow(NDArray values, NDArray mask) {
        return NDArrays.where(rowsWithAny(mask), selected(values, mask, Float.NEGATIVE_INFINITY).max(new int[] {1}),
                constant(values, 0f));
    }

    /** Min over each row's entries; 0 for a row without entries. */
    static NDArray minPerRow(NDArray values, NDArray mask) {
        return NDArrays.where(rowsWithAny(mask), selected(values, mask, Float.POSITIVE_INFINITY).min(new int[] {1}),
                constant(values, 0f));
    }

    /** Mean of values over the mask's entries; 0 for an empty mask. */
    static NDArray mean(NDArray values, NDArray mask) {
        return selected(values, mask, 0f).sum().div(mask.sum().maximum(1f));
    }

    /** Mean of a (B,) vector over the rows where {@code keep} (boolean) holds; 0 when none does. */
    static NDArray meanOfRows(NDArray values, NDArray keep) {
        NDArray count = keep.toType(values.getDataType(), false).sum().maximum(1f);
        return NDArrays.where(keep, values, constant(values, 0f)).sum().div(count);
    }

    /**
     * log(sum over the row's entries of exp(values)), shifted by the row's maximum entry so no
     * exponent is positive; 0 for a row without entries (check {@link #rowsWithAny}).
     */
    static NDArray logSumExpPerRow(NDArray values, NDArray mask) {
        NDArray shift = maxPerRow(values.stopGradient(), mask).expandDims(1);
        NDArray sum = selected(values.sub(shift), mask, Float.NEGATIVE_INFINITY).exp().sum(new int[] {1});
        NDArray safe = NDArrays.where(rowsWithAny(mask), sum, constant(sum, 1f));
        return safe.log().add(shift.squeeze(1));
    }

    /**
     * log(1 + sum over the row's entries of exp(values)): the log-sum-exp of the entries and a 0,
     * shifted by the larger of 0 and the row's maximum, so the sum holds a 1 and its log is finite;
     * 0 for a row without entries.
     */
    static NDArray logOnePlusSumExpPerRow(NDArray values, NDArray mask) {
        NDArray shift = maxPerRow(values.stopGradient(), mask).maximum(0f);
        NDArray sum = selected(values.sub(shift.expandDims(1)), mask, Float.NEGATIVE_INFINITY).exp()
                .sum(new int[] {1}).add(shift.mul(-1f).exp());
        return sum.log().add(shift);
    }

    /** log(exp(a) + exp(b)) element-wise, for finite a and b. */
    static NDArray logAddExp(NDArray a, NDArray b) {
        return a.maximum(b).add(a.sub(b).abs().neg().exp().add(1f).log());
    }

    /** values where the mask holds, {@code fill} elsewhere. */
    private static NDArray selected(NDArray values, NDArray mask, float fill) {
        return NDArrays.where(mask.gt(0.5f), values, constant(values, fill));
    }

    private static NDArray constant(NDArray like, float value) {
        return like.getManager().full(new Shape(), value, like.getDataType());
    }
}
