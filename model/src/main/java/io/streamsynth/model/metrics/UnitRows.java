package io.streamsynth.model.metrics;

/**
 * Embeddings scaled to unit length and flattened row-major, so that cosine similarity becomes a
 * plain dot product over contiguous memory. A zero row stays zero and so has similarity 0 to all;
 * a row with NaN or an infinity is rejected.
 */
final class UnitRows {

    final int rows;
    final int dims;
    final float[] values;

    private UnitRows(int rows, int dims, float[] values) {
        this.rows = rows;
        this.dims = dims;
        this.values = values;
    }

    static UnitRows of(float[][] embeddings) {
        if (embeddings == null || embeddings.length == 0) {
            throw new IllegalArgumentException("need at least one embedding");
        }
        int rows = embeddings.length;
        int dims = embeddings[0].length;
        requireFinite(embeddings);
        float[] values = new float[rows * dims];
        for (int i = 0; i < rows; i++) {
            float[] row = embeddings[i];
            if (row.length != dims) {
                throw new IllegalArgumentException(
                        "embedding " + i + " has " + row.length + " dimensions, expected " + dims);
            }
            double squares = 0;
            for (float v : row) {
                squares += (double) v * v;
            }
            float scale = squares > 0 ? (float) (1.0 / Math.sqrt(squares)) : 0f;
            for (int k = 0; k < dims; k++) {
                values[i * dims + k] = row[k] * scale;
            }
        }
        return new UnitRows(rows, dims, values);
    }

    /**
     * @throws NonFiniteEmbeddingException naming the first item with NaN or an infinity and
     *                                     counting all such items
     */
    static void requireFinite(float[][] embeddings) {
        int count = 0;
        int first = -1;
        int dimension = -1;
        float value = 0f;
        for (int i = 0; i < embeddings.length; i++) {
            float[] row = embeddings[i];
            for (int k = 0; k < row.length; k++) {
                if (!Float.isFinite(row[k])) {
                    if (first < 0) {
                        first = i;
                        dimension = k;
                        value = row[k];
                    }
                    count++;
                    break;
                }
            }
        }
        if (count > 0) {
            throw new NonFiniteEmbeddingException(first, dimension, value, count, embeddings.length);
        }
    }
}
