package io.streamsynth.model.mining;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.streamsynth.model.runtime.HostArrays;

/**
 * Cross-batch memory (Wang et al., "Cross-Batch Memory for Embedding Learning", CVPR 2020, section 4
 * and Algorithm 1): a first-in first-out queue of the embeddings and labels of recent batches, kept
 * as constants, against which the current batch forms extra pairs. The paper's observation ("slow
 * drift", section 3) is that an embedding changes little over a few hundred steps, so an old
 * embedding stands in for the sample it came from at the cost of no forward pass.
 *
 * <p>How it combines with synthesis and mining: {@link #extend} appends one column per stored entry
 * to the batch's {@link MinedPairs}, turning (B, B) into (B, B + M). A stored entry is an original
 * point only (no synthetic points are kept; they are functions of the batch that made them), so its
 * column holds the plain similarity of each anchor to it, in both the positive and the negative
 * matrix, with the masks its label implies. The batch's own block is left as the synthesis method and
 * its mining rule made it, and {@code syntheticShare} still describes that block. The memory holds
 * previous batches only: the current batch enters with {@link #enqueue} after its loss, as in the
 * paper's Algorithm 1, whose memory loss compares a batch with what was enqueued before it.
 *
 * <p>Gradients: the stored rows are host copies, so the loss's gradient reaches the anchors (the
 * rows of the current batch) and never the memory. Losses that read the pair matrices row by row
 * (contrastive, triplet, n-pair, multi-similarity) accept the rectangular matrices; lifted structure
 * pairs rows with columns symmetrically and is refused by {@code TrainingConfig}.
 *
 * <p>Not thread-safe; one per training step.
 */
public final class CrossBatchMemory {
    private final int capacity;
    private float[] rows;
    private int[] labels;
    private int dimension = -1;
    /** Next slot to write; entries are the {@code size} slots before it, oldest first. */
    private int next;
    private int size;

    /**
     * @param capacity M, the most entries kept (the paper's memory size)
     * @throws IllegalArgumentException when capacity is below 1
     */
    public CrossBatchMemory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("cross-batch memory size must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
        this.labels = new int[capacity];
    }

    public int capacity() {
        return capacity;
    }

    /** Entries held now, at most the capacity. */
    public int size() {
        return size;
    }

    /**
     * Appends the batch's embeddings as constants, dropping the oldest entries beyond the capacity;
     * a batch larger than the capacity keeps its last {@code capacity} rows.
     *
     * @param embeddings (B, D) unit-norm rows; read, not kept
     * @param batchLabels class of each row
     * @throws IllegalArgumentException when the row count and labels differ or D changes
     */
    public void enqueue(NDArray embeddings, int[] batchLabels) {
        Shape shape = embeddings.getShape();
        int b = (int) shape.get(0);
        int d = (int) shape.get(1);
        if (b != batchLabels.length) {
            throw new IllegalArgumentException("batch has " + b + " embeddings but " + batchLabels.length + " labels");
        }
        if (dimension < 0) {
            dimension = d;
            rows = new float[capacity * d];
        } else if (d != dimension) {
            throw new IllegalArgumentException("cross-batch memory holds " + dimension + "-d embeddings, got " + d);
        }
        float[] host = embeddings.stopGradient().toType(DataType.FLOAT32, false).toFloatArray();
        for (int i = Math.max(0, b - capacity); i < b; i++) {
            System.arraycopy(host, i * d, rows, next * d, d);
            labels[next] = batchLabels[i];
            next = (next + 1) % capacity;
            size = Math.min(size + 1, capacity);
        }
    }

    /** Labels of the entries, oldest first (the column order of {@link #extend}). */
    public int[] labels() {
        int[] out = new int[size];
        for (int e = 0; e < size; e++) {
            out[e] = labels[slot(e)];
        }
        return out;
    }

    /** (M, D) the entries, oldest first, as constants under the given manager in float32. */
    public NDArray entries(NDManager manager) {
        float[] out = new float[size * dimension];
        for (int e = 0; e < size; e++) {
            System.arraycopy(rows, slot(e) * dimension, out, e * dimension, dimension);
        }
        return HostArrays.floats(manager, out, new Shape(size, dimension));
    }

    /**
     * The batch's pairs widened by one column per entry, oldest first: similarity and
     * negativeSimilarity gain {@code anchors . entry}, positiveMask 1 where labels agree, negativeMask
     * 1 where they differ. An empty memory returns {@code batch} itself.
     *
     * @param batch        the batch's mined pairs, (B, B)
     * @param anchors      (B, D) the batch's original unit-norm embeddings, those {@code batch} was mined from
     * @param batchLabels  class of each anchor
     * @return (B, B + M) pairs
     */
    public MinedPairs extend(MinedPairs batch, NDArray anchors, int[] batchLabels) {
        if (size == 0) {
            return batch;
        }
        int b = batchLabels.length;
        if (anchors.getShape().get(0) != b || batch.similarity().getShape().get(0) != b) {
            throw new IllegalArgumentException("anchors, pairs and labels disagree on the batch size " + b);
        }
        NDManager manager = anchors.getManager();
        NDArray stored = entries(manager).toType(anchors.getDataType(), false);
        NDArray cross = anchors.matMul(stored.transpose());
        int[] stLabels = labels();
        float[] positive = new float[b * size];
        float[] negative = new float[b * size];
        for (int i = 0; i < b; i++) {
            for (int e = 0; e < size; e++) {
                boolean agree = batchLabels[i] == stLabels[e];
                positive[i * size + e] = agree ? 1f : 0f;
                negative[i * size + e] = agree ? 0f : 1f;
            }
        }
        Shape maskShape = new Shape(b, size);
        NDArray positiveMask = HostArrays.floats(manager, positive, maskShape).toType(batch.positiveMask().getDataType(), false);
        NDArray negativeMask = HostArrays.floats(manager, negative, maskShape).toType(batch.negativeMask().getDataType(), false);
        return new MinedPairs(batch.similarity().concat(cross, 1), batch.negativeSimilarity().concat(cross, 1),
                batch.positiveMask().concat(positiveMask, 1), batch.negativeMask().concat(negativeMask, 1),
                batch.syntheticShare());
    }

    private int slot(int entry) {
        return Math.floorMod(next - size + entry, capacity);
    }
}
