package io.streamsynth.model.synthesis;

import java.util.HashMap;
import java.util.Map;

/**
 * Pairs the samples of each class in batch order: the first with the second, the third with the
 * fourth, and so on. Both official implementations (clovaai/embedding-expansion,
 * clovaai/symmetrical-synthesis) synthesise from such disjoint neighbour pairs rather than from
 * all K(K-1)/2 pairs of a class, which keeps the number of synthetic points linear in the batch.
 */
public final class NeighbourPairing {
    private NeighbourPairing() {}

    /**
     * @return for each index, the index of its partner
     * @throws IllegalArgumentException when a class has an odd number of samples
     */
    public static int[] partners(int[] labels) {
        int[] partner = new int[labels.length];
        Map<Integer, Integer> waiting = new HashMap<>();
        for (int i = 0; i < labels.length; i++) {
            Integer first = waiting.remove(labels[i]);
            if (first == null) {
                waiting.put(labels[i], i);
            } else {
                partner[first] = i;
                partner[i] = first;
            }
        }
        if (!waiting.isEmpty()) {
            throw new IllegalArgumentException("synthesis pairs samples within a class, so every class needs an even "
                    + "number of samples in the batch; odd count for class(es) " + waiting.keySet());
        }
        return partner;
    }
}
