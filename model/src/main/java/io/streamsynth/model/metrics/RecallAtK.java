package io.streamsynth.model.metrics;

import java.util.Arrays;

/**
 * Recall@K as reported in deep metric learning papers: the fraction of queries with at least one
 * same-label item among their K nearest neighbours. Queries without any same-label partner still
 * count, as misses, so the score matches the papers' denominators. Neighbours tied in similarity
 * count as every order of them equally likely ({@link TiedRanking#hitWithin}), so the figure does
 * not depend on the order of the input.
 */
public final class RecallAtK {

    private RecallAtK() {
    }

    /** Recall at each K, in the order given, from one neighbour search as deep as the largest K. */
    public static double[] compute(float[][] embeddings, int[] labels, int... ks) {
        LabelCounts.requireOnePerItem(embeddings.length, labels);
        requireValid(ks);
        int deepest = Arrays.stream(ks).max().getAsInt();
        return fromRankings(CosineNeighbours.rankings(embeddings, labels, deepest), ks);
    }

    /**
     * Recall at each K from neighbour lists in a strict order the caller chose (no ties); rows
     * shorter than K are read as they are.
     */
    public static double[] fromNeighbours(int[][] neighbours, int[] labels, int... ks) {
        LabelCounts.requireOnePerItem(neighbours.length, labels);
        requireValid(ks);
        TiedRanking[] rankings = new TiedRanking[neighbours.length];
        for (int q = 0; q < neighbours.length; q++) {
            rankings[q] = TiedRanking.strict(neighbours[q], labels, q);
        }
        return fromRankings(rankings, ks);
    }

    static double[] fromRankings(TiedRanking[] rankings, int... ks) {
        double[] recall = new double[ks.length];
        for (TiedRanking ranking : rankings) {
            for (int i = 0; i < ks.length; i++) {
                recall[i] += ranking.hitWithin(ks[i]);
            }
        }
        for (int i = 0; i < ks.length; i++) {
            recall[i] /= rankings.length;
        }
        return recall;
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
