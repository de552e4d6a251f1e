package io.streamsynth.model.metrics;

import java.util.stream.IntStream;

/**
 * Nearest neighbours by cosine similarity. Every query is left out of its own list (copies of it
 * are not), lists run from most to least similar, and equal similarities put the lower index first
 * in {@link #topM}; the metrics read {@link #rankings}, which keep ties as groups instead.
 * Embeddings with NaN or an infinity are rejected ({@link NonFiniteEmbeddingException}).
 */
public final class CosineNeighbours {

    /** Queries per block: their unit rows (256 x d floats) stay in cache while all items stream by. */
    private static final int BLOCK = 256;

    private CosineNeighbours() {
    }

    /**
     * The {@code m} most similar other items for every query; {@code m} beyond {@code n - 1} is
     * capped there, so each row has {@code min(m, n - 1)} indices.
     */
    public static int[][] topM(float[][] embeddings, int m) {
        if (m < 0) {
            throw new IllegalArgumentException("m must not be negative: " + m);
        }
        int[][] neighbours = new int[embeddings.length][];
        search(embeddings, m, (q, kept, row, offset) -> {
            int[] indices = new int[kept.length];
            for (int r = 0; r < kept.length; r++) {
                indices[r] = indexOf(kept[r]);
            }
            neighbours[q] = indices;
        });
        return neighbours;
    }

    /** Every other item for every query, i.e. {@code topM(embeddings, n - 1)}; needs O(n^2) memory. */
    public static int[][] fullRanking(float[][] embeddings) {
        return topM(embeddings, Integer.MAX_VALUE);
    }

    /**
     * Every query's ranking down to at least {@code depth} ranks as groups of equal similarity,
     * with the count of same-label items in each; the last group is counted over all items, so a
     * tie that straddles the depth is complete. Figures read from these do not depend on the order
     * of the input ({@link TiedRanking}).
     */
    static TiedRanking[] rankings(float[][] embeddings, int[] labels, int depth) {
        LabelCounts.requireOnePerItem(embeddings.length, labels);
        TiedRanking[] out = new TiedRanking[embeddings.length];
        search(embeddings, depth, (q, kept, row, offset) -> out[q] = groups(q, kept, row, offset, labels));
        return out;
    }

    private static TiedRanking groups(int q, long[] kept, float[] row, int offset, int[] labels) {
        int n = labels.length;
        int[] sizes = new int[kept.length];
        int[] relevant = new int[kept.length];
        int groups = 0;
        float previous = Float.NaN;
        for (long key : kept) {
            int j = indexOf(key);
            float s = row[offset + j];
            if (groups == 0 || s != previous) {
                groups++;
                previous = s;
            }
            sizes[groups - 1]++;
            relevant[groups - 1] += labels[j] == labels[q] ? 1 : 0;
        }
        if (groups > 0) {
            // the last group may go on past the depth: count it over every item
            int size = 0;
            int rel = 0;
            for (int j = 0; j < n; j++) {
                if (j != q && row[offset + j] == previous) {
                    size++;
                    rel += labels[j] == labels[q] ? 1 : 0;
                }
            }
            sizes[groups - 1] = size;
            relevant[groups - 1] = rel;
        }
        return new TiedRanking(java.util.Arrays.copyOf(sizes, groups), java.util.Arrays.copyOf(relevant, groups));
    }

    /** Receives one query's kept keys, best first, and its similarities to all items. */
    private interface RowSink {
        void accept(int query, long[] kept, float[] similarities, int offset);
    }

    private static void search(float[][] embeddings, int m, RowSink sink) {
        UnitRows unit = UnitRows.of(embeddings);
        int depth = Math.min(m, unit.rows - 1);
        int blocks = (unit.rows + BLOCK - 1) / BLOCK;
        IntStream.range(0, blocks).parallel().forEach(b -> {
            int from = b * BLOCK;
            int to = Math.min(unit.rows, from + BLOCK);
            selectBlock(unit, from, to, depth, sink);
        });
    }

    private static void selectBlock(UnitRows unit, int from, int to, int depth, RowSink sink) {
        int n = unit.rows;
        float[] similarities = new float[(to - from) * n];
        for (int j = 0; j < n; j++) {
            similaritiesToItem(unit, from, to, j, similarities);
        }
        BoundedBest best = new BoundedBest(depth);
        for (int q = from; q < to; q++) {
            int offset = (q - from) * n;
            for (int j = 0; j < n; j++) {
                if (j != q) {
                    best.offer(key(similarities[offset + j], j));
                }
            }
            sink.accept(q, best.drainDescending(), similarities, offset);
        }
    }

    /**
     * Dot products of item j with queries [from, to), four queries at a time so one load of the
     * item's value feeds four independent sums. Each sum still runs over k in order, so a pair's
     * similarity is bit-identical whichever side is the query.
     */
    private static void similaritiesToItem(UnitRows unit, int from, int to, int j, float[] out) {
        float[] v = unit.values;
        int d = unit.dims;
        int n = unit.rows;
        int item = j * d;
        int q = from;
        for (; q + 3 < to; q += 4) {
            int a = q * d;
            int b = a + d;
            int c = b + d;
            int e = c + d;
            float sa = 0f;
            float sb = 0f;
            float sc = 0f;
            float se = 0f;
            for (int k = 0; k < d; k++) {
                float x = v[item + k];
                sa += v[a + k] * x;
                sb += v[b + k] * x;
                sc += v[c + k] * x;
                se += v[e + k] * x;
            }
            int row = (q - from) * n + j;
            out[row] = sa;
            out[row + n] = sb;
            out[row + 2 * n] = sc;
            out[row + 3 * n] = se;
        }
        for (; q < to; q++) {
            int a = q * d;
            float s = 0f;
            for (int k = 0; k < d; k++) {
                s += v[a + k] * v[item + k];
            }
            out[(q - from) * n + j] = s;
        }
    }

    /**
     * Packs (similarity, index) into one long whose natural order is "more similar, then lower
     * index", so selection and sorting need no comparator or boxing.
     */
    static long key(float similarity, int index) {
        // + 0f folds -0.0 into 0.0 so the two compare as the tie they are.
        int bits = Float.floatToIntBits(similarity + 0f);
        int ordered = bits < 0 ? bits ^ 0x7fffffff : bits;
        return ((long) ordered << 32) | (~index & 0xffffffffL);
    }

    static int indexOf(long key) {
        return ~(int) key;
    }
}
