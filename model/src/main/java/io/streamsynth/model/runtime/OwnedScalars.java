package io.streamsynth.model.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Arithmetic with a constant whose 0-d array lives in memory PyTorch owns, for every operation
 * autograd keeps the constant of (mul, div, maximum, pow: their backward passes read it).
 *
 * <p>Why not DJL's {@code x.mul(2f)}: DJL 0.36 turns the number into an array with
 * {@code torch.from_blob} over a direct buffer that only its Java wrapper references, and closes that
 * wrapper as soon as the forward operation returns. Autograd still holds the tensor for the backward
 * pass; once the garbage collector frees the buffer, the backward pass multiplies by whatever the
 * allocator put there since (seen: gradients of 3e28 and 2e11 where 0.6 was due). Whether the
 * collector runs in between depends on timing, so training went wrong only sometimes, mostly on a
 * loaded machine (issue 13, docs/RESULTS.md: multi-similarity runs that collapsed). {@code full}
 * allocates in PyTorch, which keeps the memory as long as the graph needs it.
 */
public final class OwnedScalars {
    private OwnedScalars() {}

    /** A 0-d array holding {@code value}, of {@code like}'s type, on its manager and device. */
    public static NDArray of(NDArray like, float value) {
        return like.getManager().full(new Shape(), value, like.getDataType());
    }

    /** x * value, element-wise. */
    public static NDArray mul(NDArray x, float value) {
        return x.mul(of(x, value));
    }

    /** x / value, element-wise. */
    public static NDArray div(NDArray x, float value) {
        return x.div(of(x, value));
    }

    /** max(x, value), element-wise (PyTorch's maximum: half the gradient each way on ties). */
    public static NDArray maximum(NDArray x, float value) {
        return x.maximum(of(x, value));
    }

    /** x ^ value, element-wise. */
    public static NDArray pow(NDArray x, float value) {
        return x.pow(of(x, value));
    }
}
