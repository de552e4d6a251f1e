package io.streamsynth.model.synthesis;

import io.streamsynth.model.runtime.HostArrays;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * Symmetrical Synthesis (Gu and Ko, "Symmetrical Synthesis for Deep Metric Learning", AAAI 2020,
 * arXiv 2001.11658), section 3: for a positive pair (x_k, x_l) each point is mirrored with the other
 * as the axis of symmetry, {@code x_k' = alpha * proj_{x_l}(x_k) - beta * x_k} with alpha = 2 and
 * beta = 1, i.e. the reflection of x_k about the line through the origin and x_l, and likewise
 * x_l'. A reflection keeps the norm and the angle to the axis, so the synthetic points stay on the
 * unit sphere and as similar to the class as the originals: the positive side of a loss is
 * unchanged and only the negatives get harder. No hyper-parameter.
 *
 * <p>Pairs are disjoint neighbours within a class ({@link NeighbourPairing}), as in the official
 * code, and each sample's group is itself plus both synthetic points of its pair (its own mirror
 * image, then its partner's), which are the "two synthetic points" the paper's hard negative pair
 * mining compares together with the originals.
 */
public final class SymmetricalSynthesis implements Synthesis {
    @Override
    public NDArray expand(NDArray embeddings, int[] labels) {
        NDManager manager = embeddings.getManager();
        NDArray partner = embeddings.get(HostArrays.ints(manager, NeighbourPairing.partners(labels)));
        NDArray self = reflect(embeddings, partner);
        NDArray other = reflect(partner, embeddings);
        return NDArrays.stack(new NDList(embeddings, self, other), 1);
    }

    /** Reflection of each row of {@code point} about the line spanned by the same row of {@code axis}. */
    static NDArray reflect(NDArray point, NDArray axis) {
        NDArray projectionScale = point.mul(axis).sum(new int[] {-1}, true)
                .div(axis.square().sum(new int[] {-1}, true).add(1e-12f));
        return axis.mul(projectionScale).mul(2f).sub(point);
    }

    @Override
    public int pointsPerSample() {
        return 2;
    }

    @Override
    public String name() {
        return "symm";
    }
}
