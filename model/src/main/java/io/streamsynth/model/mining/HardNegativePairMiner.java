package io.streamsynth.model.mining;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.streamsynth.model.runtime.HostArrays;
import io.streamsynth.model.synthesis.NeighbourPairing;

/**
 * Hard negative pair mining, as both synthesis papers use it (EE section 3.2, Symm section 3.2):
 * between two samples of different classes the loss uses the closest pair among the candidates a
 * {@link MiningPlan} allows. Which candidates those are is each method's business and depends on
 * the {@link MiningRule}; with no synthetic points this is the plain similarity matrix.
 *
 * <p>Each block of the plan is one matrix product over the selected points, reduced by a max over
 * its two slot axes; the blocks are combined by an element-wise max. The max routes each negative
 * pair's gradient to the points that won it, so synthetic winners pass their gradient on to the
 * originals they were made from.
 */
public final class HardNegativePairMiner {
    /**
     * A synthetic point counts as the winner of a cell only when it beats the best original pair by
     * more than this: the two values come from different matrix products, whose float32 rounding
     * can differ in the last bits for the very same pair.
     */
    static final float SYNTHETIC_WIN = 1e-5f;

    private final MiningPlan plan;
    private final MiningPlan originals;
    // both depend on the plan alone: decided once, not at every step
    private final boolean plain;
    private final boolean usesPartners;

    /** Plain similarities: no synthetic points. */
    public HardNegativePairMiner() {
        this(MiningPlan.originals());
    }

    public HardNegativePairMiner(MiningPlan plan) {
        this.plan = plan;
        this.originals = plan.originalsOnly();
        this.plain = plan.equals(MiningPlan.originals());
        this.usesPartners = plan.usesPartners();
    }

    /**
     * @param groups (B, g, D) points per sample, slot 0 the original (see {@code Synthesis}); g must
     *               be the plan's group size
     * @param labels class of each sample
     * @throws IllegalArgumentException when labels and groups disagree, or a plan that pairs samples
     *                                  meets a class with an odd count
     */
    public MinedPairs mine(NDArray groups, int[] labels) {
        Shape shape = groups.getShape();
        int b = (int) shape.get(0);
        int g = (int) shape.get(1);
        if (b != labels.length) {
            throw new IllegalArgumentException("batch has " + b + " embeddings but " + labels.length + " labels");
        }
        if (g != plan.groupSize()) {
            throw new IllegalArgumentException("mining plan expects " + plan.groupSize() + " points per sample, got " + g);
        }
        NDManager manager = groups.getManager();
        NDArray originalsOnly = groups.get(":, 0, :");
        NDArray similarity = originalsOnly.matMul(originalsOnly.transpose());
        NDArray positive = HostArrays.floats(manager, maskOf(labels, true), new Shape(b, b));
        NDArray negative = HostArrays.floats(manager, maskOf(labels, false), new Shape(b, b));
        if (plain) {
            return new MinedPairs(similarity, similarity, positive, negative, 0.0);
        }
        NDArray points = usesPartners
                ? groups.concat(groups.get(HostArrays.ints(manager, NeighbourPairing.partners(labels))), 1)
                : groups;
        NDArray hardest = hardest(points, plan);
        double share = 0.0;
        long negatives = negativePairs(labels);
        if (negatives > 0) {
            NDArray best = originals == null ? null : hardest(points.stopGradient(), originals);
            NDArray won = best == null ? negative
                    : hardest.stopGradient().gt(best.add(SYNTHETIC_WIN)).toType(DataType.FLOAT32, false).mul(negative);
            share = won.sum().getFloat() / negatives;
        }
        return new MinedPairs(similarity, hardest, positive, negative, share);
    }

    private static NDArray hardest(NDArray points, MiningPlan plan) {
        int b = (int) points.getShape().get(0);
        long d = points.getShape().get(2);
        NDArray best = null;
        for (MiningPlan.Block block : plan.blocks()) {
            NDArray rows = select(points, block.rows()).reshape(b * (long) block.rows().length, d);
            NDArray columns = select(points, block.columns()).reshape(b * (long) block.columns().length, d);
            NDArray candidates = rows.matMul(columns.transpose())
                    .reshape(b, block.rows().length, b, block.columns().length)
                    .max(new int[] {3}).max(new int[] {1});
            best = best == null ? candidates : best.maximum(candidates);
        }
        return best;
    }

    /** (B, slots.length, D): the given slots of every sample's pair points, in order. */
    private static NDArray select(NDArray points, int[] slots) {
        NDList picked = new NDList(slots.length);
        for (int s : slots) {
            picked.add(points.get(":, " + s + ", :"));
        }
        return NDArrays.stack(picked, 1);
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
