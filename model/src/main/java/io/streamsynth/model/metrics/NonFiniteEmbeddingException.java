package io.streamsynth.model.metrics;

/**
 * Embeddings that hold NaN or an infinity cannot be ranked: NaN compares above every number in a
 * sort by bits and would become every query's nearest neighbour. The metrics reject them, naming
 * the first such item and counting all of them.
 */
public final class NonFiniteEmbeddingException extends IllegalArgumentException {
    private final int firstIndex;
    private final int count;

    NonFiniteEmbeddingException(int firstIndex, int dimension, float value, int count, int total) {
        super(count + " of " + total + " embeddings hold a non-finite value; the first is item " + firstIndex
                + " (" + value + " at dimension " + dimension + ")");
        this.firstIndex = firstIndex;
        this.count = count;
    }

    /** Position of the first non-finite embedding in the input. */
    public int firstIndex() {
        return firstIndex;
    }

    /** How many embeddings hold a non-finite value. */
    public int count() {
        return count;
    }
}
