package io.streamsynth.model.metrics;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Nearest neighbours by cosine similarity. Every query is left out of its own list (copies of it
 * are not), lists run from most to least similar, and equal similarities put the lower index first
 * in {@link #topM}; the metrics read {@link #rankings}, which keep ties as groups instead.
 * Embeddings with NaN or an infinity are rejected ({@link NonFiniteEmbeddingException}).
 */
public final class CosineNeighbours {

    /** Queries per block: their rows (128 x d floats) stay in cache while all items stream by. */
    private static final int BLOCK = 128;

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
        return new TiedRanking(Arrays.copyOf(sizes, groups), Arrays.copyOf(relevant, groups));
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
        float[] similarities = similaritiesOfBlock(unit, from, to);
        long[] keys = new long[n - 1];
        for (int q = from; q < to; q++) {
            int offset = (q - from) * n;
            int count = 0;
            for (int j = 0; j < n; j++) {
                if (j != q) {
                    keys[count++] = key(similarities[offset + j], j);
                }
            }
            sink.accept(q, LargestKeys.descending(keys, count, depth), similarities, offset);
        }
    }

    /**
     * Dot products of queries [from, to) with every item, row (q - from) of the result holding query q's.
     * The block's queries are laid out dimension by dimension (one array per dimension), so that for one
     * dimension the update of the block's sums with four items is a loop over adjacent floats at the same
     * index in every array, which the JIT turns into SIMD multiplies and adds (it does not when the
     * arrays are indexed at different offsets). Each lane still adds its pair's products one dimension
     * after the other, from 0f, and a product is the same whichever side is the query, so a pair's
     * similarity is bit-identical to the plain loop {@code s += query[k] * item[k]}, and to its mirror
     * pair's.
     */
    static float[] similaritiesOfBlock(UnitRows unit, int from, int to) {
        float[] v = unit.values;
        int d = unit.dims;
        int n = unit.rows;
        int width = to - from;
        float[][] byDimension = new float[d][width];
        for (int q = 0; q < width; q++) {
            for (int k = 0; k < d; k++) {
                byDimension[k][q] = v[(from + q) * d + k];
            }
        }
        float[] out = new float[width * n];
        float[] s0 = new float[width];
        float[] s1 = new float[width];
        float[] s2 = new float[width];
        float[] s3 = new float[width];
        int j = 0;
        for (; j + 3 < n; j += 4) {
            Arrays.fill(s0, 0f);
            Arrays.fill(s1, 0f);
            Arrays.fill(s2, 0f);
            Arrays.fill(s3, 0f);
            int item = j * d;
            for (int k = 0; k < d; k++) {
                addProducts(byDimension[k], v[item + k], v[item + d + k], v[item + 2 * d + k], v[item + 3 * d + k],
                        s0, s1, s2, s3, width);
            }
            for (int q = 0; q < width; q++) {
                int at = q * n + j;
                out[at] = s0[q];
                out[at + 1] = s1[q];
                out[at + 2] = s2[q];
                out[at + 3] = s3[q];
            }
        }
        for (; j < n; j++) {
            Arrays.fill(s0, 0f);
            int item = j * d;
            for (int k = 0; k < d; k++) {
                addProducts(byDimension[k], v[item + k], s0, width);
            }
            for (int q = 0; q < width; q++) {
                out[q * n + j] = s0[q];
            }
        }
        return out;
    }

    /** {@code sN[q] += queries[q] * xN} for q in [0, width): one dimension of four items against the block. */
    private static void addProducts(float[] queries, float x0, float x1, float x2, float x3, float[] s0, float[] s1,
            float[] s2, float[] s3, int width) {
        for (int q = 0; q < width; q++) {
            float value = queries[q];
            s0[q] += value * x0;
            s1[q] += value * x1;
            s2[q] += value * x2;
            s3[q] += value * x3;
        }
    }

    private static void addProducts(float[] queries, float x, float[] sums, int width) {
        for (int q = 0; q < width; q++) {
            sums[q] += queries[q] * x;
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
