package io.streamsynth.model.mining;

import io.streamsynth.model.runtime.HostArrays;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Hard negative pair mining, as both synthesis papers use it (EE section 3.2, Symm section 3.2):
 * between two samples of different classes, of all pairs formed by a point of one's group
 * (original plus synthetic points) and a point of the other's, the loss uses the closest one.
 * With no synthetic points this is the plain similarity matrix.
 *
 * <p>All group points are compared in one matrix product, (B*g) x (B*g), then reduced by a max over
 * the two group axes. The max routes each negative pair's gradient to the points that won it, so
 * synthetic winners pass their gradient on to the originals they were made from.
 */
public final class HardNegativePairMiner {

    /**
     * @param groups (B, g, D) points per sample, slot 0 the original (see {@code Synthesis})
     * @param labels class of each sample
     */
    public MinedPairs mine(NDArray groups, int[] labels) {
        Shape shape = groups.getShape();
        int b = (int) shape.get(0);
        int g = (int) shape.get(1);
        if (b != labels.length) {
            throw new IllegalArgumentException("batch has " + b + " embeddings but " + labels.length + " labels");
        }
        NDManager manager = groups.getManager();
        NDArray flat = groups.reshape(b * (long) g, shape.get(2));
        NDArray all = flat.matMul(flat.transpose()).reshape(b, g, b, g);
        NDArray similarity = all.get(":, 0, :, 0");
        NDArray positive = HostArrays.floats(manager, maskOf(labels, true), new Shape(b, b));
        NDArray negative = HostArrays.floats(manager, maskOf(labels, false), new Shape(b, b));
        if (g == 1) {
            return new MinedPairs(similarity, similarity, positive, negative, 0.0);
        }
        NDArray hardest = all.max(new int[] {3}).max(new int[] {1});
        return new MinedPairs(similarity, hardest, positive, negative,
                syntheticShare(all, negative, negativePairs(labels), b, g));
    }

    /**
     * Winner index 0 of the g*g candidates is the original-original pair; anything else involves a
     * synthetic point. The count of negative pairs comes from the labels on the host, so the share
     * costs one read back from the device, not two.
     */
    private static double syntheticShare(NDArray all, NDArray negative, long negatives, int b, int g) {
        if (negatives == 0) {
            return 0.0;
        }
        NDArray winner = all.stopGradient().transpose(0, 2, 1, 3).reshape(b, b, (long) g * g).argMax(2);
        NDArray synthetic = winner.gt(0).toType(DataType.FLOAT32, false).mul(negative);
        return synthetic.sum().getFloat() / negatives;
    }

    private static long negativePairs(int[] labels) {
        long count = 0;
        for (int i = 0; i < labels.length; i++) {
            for (int j = 0; j < labels.length; j++) {
                if (labels[i] != labels[j]) {
                    count++;
                }
            }
        }
        return count;
    }

    private static float[] maskOf(int[] labels, boolean same) {
        int b = labels.length;
        float[] mask = new float[b * b];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < b; j++) {
                boolean agree = labels[i] == labels[j];
                mask[i * b + j] = (same ? agree && i != j : !agree) ? 1f : 0f;
            }
        }
        return mask;
    }
}
