package io.streamsynth.model.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * Early release of a forward pass's intermediate outputs.
 *
 * <p>A DJL array stays alive until its manager closes, which for a training step is after the
 * backward pass: every activation of the network would stay allocated through the whole step, where
 * PyTorch frees an output as soon as no Python variable and no autograd node refers to it (a batch
 * norm's output once the relu after it has run, for example, since relu's backward reads only its
 * own result). Closing our handle drops only our reference to the libtorch tensor: whatever autograd
 * saved for the backward pass keeps its own reference and stays valid, so gradients are unchanged
 * ({@code ResNetIntermediatesTest}), and the memory of the rest returns to the allocator during the
 * forward pass instead of after the step. (Its effect on step time was below what the shared benchmark
 * machine resolves: docs/BENCHMARKS.md section 9.)
 */
final class Intermediates {
    private Intermediates() {}

    /**
     * Closes every array of {@code consumed} that is in neither {@code kept} nor {@code callers} (a block
     * may hand its input through, and the caller's inputs are the caller's). The caller must own the
     * rest of {@code consumed} and use none of it afterwards.
     */
    static void release(NDList consumed, NDList kept, NDList callers) {
        for (NDArray a : consumed) {
            if (!containsSame(kept, a) && !containsSame(callers, a)) {
                a.close();
            }
        }
    }

    /** Closes {@code consumed} unless it is {@code kept} itself. */
    static void release(NDArray consumed, NDArray kept) {
        if (consumed != kept) {
            consumed.close();
        }
    }

    private static boolean containsSame(NDList list, NDArray a) {
        for (NDArray b : list) {
            if (b == a) {
                return true;
            }
        }
        return false;
    }
}
