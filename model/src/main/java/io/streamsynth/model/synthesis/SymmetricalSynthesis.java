package io.streamsynth.model.synthesis;

import io.streamsynth.model.runtime.HostArrays;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.streamsynth.model.mining.MiningPlan;
import io.streamsynth.model.mining.MiningRule;
import io.streamsynth.model.runtime.OwnedScalars;
import java.util.List;

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
 * code, and each sample's group is itself, its own mirror image (slot 1: x reflected about its
 * partner p) and its partner's (slot 2: p reflected about x).
 *
 * <p>Hard negative pair mining ({@link #miningPlan}) has two readings:
 * <ul>
 *   <li>paper (section 3 and Fig. 1): the anchor is an original x_i; for a negative pair (x_k, x_l)
 *       with synthetic points x_k', x_l', the hardest negative is the closest of those four points
 *       to x_i. Cells (i, k) and (i, l) get that one value; the anchor side has no synthetic point.</li>
 *   <li>official (losses.py, symm_npair_loss): with a = x_i, p = its partner, s1 = p reflected
 *       about a and s2 = a reflected about p, cell (i, j) is the maximum of the six products
 *       a_i.p_j, a_i.s1_j, a_i.s2_j, p_i.s1_j, p_i.s2_j and s1_i.s2_j, the two-point combinations
 *       of (a, p, s1, s2) taken across the two pairs. The released code fills one cell per pair of
 *       pairs with its anchors; here every sample plays the anchor of its pair in its own row.</li>
 * </ul>
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
        return OwnedScalars.mul(axis.mul(projectionScale), 2f).sub(point);
    }

    @Override
    public int pointsPerSample() {
        return 2;
    }

    @Override
    public String name() {
        return "symm";
    }

    @Override
    public MiningPlan miningPlan(MiningRule rule) {
        // pair points: 0 x, 1 x reflected about p, 2 p reflected about x, 3 p (then p's own group)
        int x = 0;
        int xMirror = 1;
        int pMirror = 2;
        int p = 3;
        if (rule == MiningRule.OFFICIAL) {
            return new MiningPlan(3, List.of(
                    new MiningPlan.Block(new int[] {x}, new int[] {p, pMirror, xMirror}),
                    new MiningPlan.Block(new int[] {p}, new int[] {pMirror, xMirror}),
                    new MiningPlan.Block(new int[] {pMirror}, new int[] {xMirror})));
        }
        return new MiningPlan(3, List.of(new MiningPlan.Block(new int[] {x}, new int[] {x, p, xMirror, pMirror})));
    }
}
