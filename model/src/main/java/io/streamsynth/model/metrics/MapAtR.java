package io.streamsynth.model.metrics;

/**
 * MAP@R from Musgrave et al., "A Metric Learning Reality Check": for a query with R same-label
 * partners, average over its R nearest neighbours of precision-at-k counted only where the k-th
 * neighbour is relevant, divided by R. Unlike Recall@K it rewards ranking all partners first.
 * Neighbours tied in similarity count as every order of them equally likely
 * ({@link TiedRanking#averagePrecisionAt}), so the figure does not depend on the order of the input.
 */
public final class MapAtR {

    private MapAtR() {
    }

    /** MAP@R with neighbour lists only as deep as the largest R needs. */
    public static double compute(float[][] embeddings, int[] labels) {
        LabelCounts.requireOnePerItem(embeddings.length, labels);
        int depth = requiredDepth(labels);
        return fromRankings(CosineNeighbours.rankings(embeddings, labels, depth), labels);
    }

    /** The neighbour depth MAP@R reads: the largest number of other items sharing a label. */
    public static int requiredDepth(int[] labels) {
        return new LabelCounts(labels).largestSameLabelOthers();
    }

    /**
     * Mean MAP@R over queries that have at least one same-label partner; 0 when none has, so that
     * reports stay finite. The rows are a strict order the caller chose (no ties), each at least R
     * deep for its query.
     */
    public static double fromNeighbours(int[][] neighbours, int[] labels) {
        LabelCounts.requireOnePerItem(neighbours.length, labels);
        TiedRanking[] rankings = new TiedRanking[neighbours.length];
        for (int q = 0; q < neighbours.length; q++) {
            rankings[q] = TiedRanking.strict(neighbours[q], labels, q);
        }
        return fromRankings(rankings, labels);
    }

    static double fromRankings(TiedRanking[] rankings, int[] labels) {
        LabelCounts counts = new LabelCounts(labels);
        double sum = 0;
        int scored = 0;
        for (int q = 0; q < rankings.length; q++) {
            int r = counts.sameLabelOthers(q);
            if (r == 0) {
                continue;
            }
            if (rankings[q].depth() < r) {
                throw new IllegalArgumentException("query " + q + " has R = " + r
                        + " but only " + rankings[q].depth() + " neighbours");
            }
            sum += rankings[q].averagePrecisionAt(r);
            scored++;
        }
        return scored == 0 ? 0.0 : sum / scored;
    }
}
