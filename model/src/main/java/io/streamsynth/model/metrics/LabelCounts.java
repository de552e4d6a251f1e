package io.streamsynth.model.metrics;

import java.util.HashMap;
import java.util.Map;

/** How often each label occurs, to know how many same-label partners every query has. */
final class LabelCounts {

    private final int[] labels;
    private final Map<Integer, Integer> counts = new HashMap<>();

    LabelCounts(int[] labels) {
        this.labels = labels;
        for (int label : labels) {
            counts.merge(label, 1, Integer::sum);
        }
    }

    static void requireOnePerItem(int items, int[] labels) {
        if (labels == null || labels.length != items) {
            throw new IllegalArgumentException("need one label per embedding: " + items
                    + " embeddings, " + (labels == null ? "no" : labels.length) + " labels");
        }
    }

    /** R for query i: the other items that share its label. */
    int sameLabelOthers(int i) {
        return counts.get(labels[i]) - 1;
    }

    int largestSameLabelOthers() {
        int largest = 0;
        for (int count : counts.values()) {
            largest = Math.max(largest, count - 1);
        }
        return largest;
    }

    int distinct() {
        return counts.size();
    }
}
