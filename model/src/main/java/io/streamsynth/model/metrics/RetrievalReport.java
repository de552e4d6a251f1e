package io.streamsynth.model.metrics;

import java.util.LinkedHashMap;

/** The retrieval and clustering scores usually reported for deep metric learning, in one place. */
public record RetrievalReport(int queries, double recallAt1, double recallAt2, double recallAt4,
                              double recallAt8, double nmi, double mapAtR) {

    private static final int[] RECALL_KS = {1, 2, 4, 8};

    /**
     * Scores embeddings against their labels. One neighbour search, as deep as the larger of 8
     * and the biggest class, feeds both Recall@K and MAP@R; NMI compares the labels with a seeded
     * k-means using one cluster per distinct label. Tied neighbours count as every order of them
     * equally likely, so the figures do not depend on the order of the input.
     *
     * @throws NonFiniteEmbeddingException when an embedding holds NaN or an infinity
     */
    public static RetrievalReport evaluate(float[][] embeddings, int[] labels, long seed) {
        LabelCounts.requireOnePerItem(embeddings.length, labels);
        LabelCounts counts = new LabelCounts(labels);
        int depth = Math.max(RECALL_KS[RECALL_KS.length - 1], counts.largestSameLabelOthers());
        TiedRanking[] rankings = CosineNeighbours.rankings(embeddings, labels, depth);
        double[] recall = RecallAtK.fromRankings(rankings, RECALL_KS);
        double mapAtR = MapAtR.fromRankings(rankings, labels);
        double nmi = NormalizedMutualInformation.compute(
                labels, KMeans.cluster(embeddings, counts.distinct(), seed));
        return new RetrievalReport(
                embeddings.length, recall[0], recall[1], recall[2], recall[3], nmi, mapAtR);
    }

    /** Scores under stable snake_case keys, in a fixed order, for logs and JSON. */
    public LinkedHashMap<String, Double> toMap() {
        LinkedHashMap<String, Double> map = new LinkedHashMap<>();
        map.put("r_at_1", recallAt1);
        map.put("r_at_2", recallAt2);
        map.put("r_at_4", recallAt4);
        map.put("r_at_8", recallAt8);
        map.put("nmi", nmi);
        map.put("map_at_r", mapAtR);
        return map;
    }
}
