package io.streamsynth.model.metrics;

/**
 * MAP@R from Musgrave et al., "A Metric Learning Reality Check": for a query with R same-label
 * partners, average over its R nearest neighbours of precision-at-k counted only where the k-th
 * neighbour is relevant, divided by R. Unlike Recall@K it rewards ranking all partners first.
 */
public final class MapAtR {

    private MapAtR() {
    }

    /** MAP@R with neighbour lists only as deep as the largest R needs. */
    public static double compute(float[][] embeddings, int[] labels) {
        LabelCounts.requireOnePerItem(embeddings.length, labels);
        int depth = requiredDepth(labels);
        return fromNeighbours(CosineNeighbours.topM(embeddings, depth), labels);
    }

    /** The neighbour depth MAP@R reads: the largest number of other items sharing a label. */
    public static int requiredDepth(int[] labels) {
        return new LabelCounts(labels).largestSameLabelOthers();
    }

    /**
     * Mean MAP@R over queries that have at least one same-label partner; 0 when none has, so that
     * reports stay finite. Each row must hold at least R neighbours for its query.
     */
    public static double fromNeighbours(int[][] neighbours, int[] labels) {
        LabelCounts.requireOnePerItem(neighbours.length, labels);
        LabelCounts counts = new LabelCounts(labels);
        double sum = 0;
        int scored = 0;
        for (int q = 0; q < neighbours.length; q++) {
            int r = counts.sameLabelOthers(q);
            if (r == 0) {
                continue;
            }
            if (neighbours[q].length < r) {
                throw new IllegalArgumentException("query " + q + " has R = " + r
                        + " but only " + neighbours[q].length + " neighbours");
            }
            sum += averagePrecisionAtR(neighbours[q], labels, q, r);
            scored++;
        }
        return scored == 0 ? 0.0 : sum / scored;
    }

    private static double averagePrecisionAtR(int[] row, int[] labels, int query, int r) {
        int relevantSoFar = 0;
        double precisionSum = 0;
        for (int k = 1; k <= r; k++) {
            if (labels[row[k - 1]] == labels[query]) {
                relevantSoFar++;
                precisionSum += (double) relevantSoFar / k;
            }
        }
        return precisionSum / r;
    }
}
