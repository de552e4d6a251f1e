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
 * ({@code ResNetIntermediatesTest}); the memory of the rest returns to the allocator at once and is
 * reused, still warm, by the next layer's outputs.
 */
final class Intermediates {
    private Intermediates() {}

    /**
     * Closes every array of {@code consumed} that is not also in {@code kept} (a block may hand its
     * input through). The caller must own {@code consumed} and use none of it afterwards.
     */
    static void release(NDList consumed, NDList kept) {
        for (NDArray a : consumed) {
            if (!containsSame(kept, a)) {
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
