package io.streamsynth.model.synthesis;

import io.streamsynth.model.runtime.HostArrays;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.streamsynth.model.mining.MiningPlan;
import io.streamsynth.model.mining.MiningRule;
import io.streamsynth.model.net.EmbeddingNetworks;
import io.streamsynth.model.runtime.OwnedScalars;
import java.util.Arrays;
import java.util.List;

/**
 * Embedding Expansion (Ko and Gu, "Embedding Expansion: Augmentation in Embedding Space for Deep
 * Metric Learning", CVPR 2020, arXiv 2003.02546), section 3.1: for a positive pair (a, b) it
 * divides the segment a-b internally into n + 1 equal parts and takes the n inner points
 * {@code (k*a + (n+1-k)*b) / (n+1)}, k = 1..n, L2-normalised back onto the sphere.
 *
 * <p>We follow the official code (loss/embedding_aug.py) in two places the paper leaves open:
 * pairs are disjoint neighbours within a class ({@link NeighbourPairing}), and the inner points of
 * a pair are attributed to both of its members, so each sample's group is itself plus the n points
 * between it and its partner. For sample x with partner p, slot k holds
 * {@code normalize((k*p + (n+1-k)*x) / (n+1))}: slot 1 is nearest to x.
 *
 * <p>Hard negative pair mining ({@link #miningPlan}) has two readings:
 * <ul>
 *   <li>paper (section 3.2, Fig. 1): for a negative pair of pairs (x_i, x_j) and (x_k, x_l), the
 *       hardest pair between {x_i, x_j, their n points} and {x_k, x_l, their n points}; every cell
 *       between the two pairs gets that one value.</li>
 *   <li>official (loss/hphn_triplet.py): an anchor together with the n points of its pair against
 *       every point of the other classes. Per cell (i, j) that is i's group against j's group, where
 *       a group is the sample and the n points of its pair; the batch-hard triplet loss's minimum
 *       over j then ranges over every point of the other classes, as in that file.</li>
 * </ul>
 */
public final class EmbeddingExpansion implements Synthesis {
    public static final int DEFAULT_POINTS = 2;

    private final int points;

    public EmbeddingExpansion(int points) {
        if (points < 1 || points > 64) {
            throw new IllegalArgumentException("embedding expansion needs 1..64 synthetic points per pair, got " + points);
        }
        this.points = points;
    }

    @Override
    public NDArray expand(NDArray embeddings, int[] labels) {
        NDManager manager = embeddings.getManager();
        NDArray partner = embeddings.get(HostArrays.ints(manager, NeighbourPairing.partners(labels)));
        NDList slots = new NDList(points + 1);
        slots.add(embeddings);
        float total = points + 1f;
        for (int k = 1; k <= points; k++) {
            NDArray inner = OwnedScalars.mul(partner, k / total).add(OwnedScalars.mul(embeddings, (total - k) / total));
            slots.add(EmbeddingNetworks.normalizeRows(inner));
        }
        return NDArrays.stack(slots, 1);
    }

    @Override
    public int pointsPerSample() {
        return points;
    }

    @Override
    public String name() {
        return "ee";
    }

    @Override
    public MiningPlan miningPlan(MiningRule rule) {
        int[] group = new int[points + 1];
        for (int k = 0; k <= points; k++) {
            group[k] = k;
        }
        if (rule == MiningRule.OFFICIAL) {
            return new MiningPlan(points + 1, List.of(new MiningPlan.Block(group, group)));
        }
        // the partner's own n points are the same points in reverse order, so its original is enough
        int[] pair = Arrays.copyOf(group, points + 2);
        pair[points + 1] = points + 1;
        return new MiningPlan(points + 1, List.of(new MiningPlan.Block(pair, pair)));
    }
}
