package io.streamsynth.model.metrics;

import java.util.Arrays;

/**
 * Recall@K as reported in deep metric learning papers: the fraction of queries with at least one
 * same-label item among their K nearest neighbours. Queries without any same-label partner still
 * count, as misses, so the score matches the papers' denominators.
 */
public final class RecallAtK {

    private RecallAtK() {
    }

    /** Recall at each K, in the order given, from one neighbour search as deep as the largest K. */
    public static double[] compute(float[][] embeddings, int[] labels, int... ks) {
        LabelCounts.requireOnePerItem(embeddings.length, labels);
        requireValid(ks);
        int deepest = Arrays.stream(ks).max().getAsInt();
        return fromNeighbours(CosineNeighbours.topM(embeddings, deepest), labels, ks);
    }

    /** Recall at each K from precomputed neighbour lists; rows shorter than K are read as they are. */
    public static double[] fromNeighbours(int[][] neighbours, int[] labels, int... ks) {
        LabelCounts.requireOnePerItem(neighbours.length, labels);
        requireValid(ks);
        int[] hitsWithin = new int[ks.length];
        for (int q = 0; q < neighbours.length; q++) {
            int firstHit = firstSameLabelRank(neighbours[q], labels, q);
            for (int i = 0; i < ks.length; i++) {
                if (firstHit < ks[i]) {
                    hitsWithin[i]++;
                }
            }
        }
        double[] recall = new double[ks.length];
        for (int i = 0; i < ks.length; i++) {
            recall[i] = (double) hitsWithin[i] / neighbours.length;
        }
        return recall;
    }

    /** Zero-based rank of the first same-label neighbour, or Integer.MAX_VALUE when there is none. */
    private static int firstSameLabelRank(int[] row, int[] labels, int query) {
        for (int r = 0; r < row.length; r++) {
            if (labels[row[r]] == labels[query]) {
                return r;
            }
        }
        return Integer.MAX_VALUE;
    }

    private static void requireValid(int[] ks) {
        if (ks == null || ks.length == 0) {
            throw new IllegalArgumentException("give at least one K");
        }
        for (int k : ks) {
            if (k < 1) {
                throw new IllegalArgumentException("K must be at least 1: " + k);
            }
        }
    }
}
