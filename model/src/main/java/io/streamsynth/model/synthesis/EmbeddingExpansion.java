package io.streamsynth.model.synthesis;

import io.streamsynth.model.runtime.HostArrays;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.streamsynth.model.net.EmbeddingNetworks;

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
            NDArray inner = partner.mul(k / total).add(embeddings.mul((total - k) / total));
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
}
