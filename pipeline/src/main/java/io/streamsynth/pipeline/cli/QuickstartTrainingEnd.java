package io.streamsynth.pipeline.cli;

import io.streamsynth.model.checkpoint.CheckpointMetadata;
import io.streamsynth.operators.decode.HeldOutSelector;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Tells from a catalog's published checkpoints alone that its trainer has trained and published
 * everything it ever will from the events sent, so the quickstart need not wait out a quiet period
 * to know the served version is final.
 *
 * <p>Every training step takes at least {@code freshPerBatch} never-trained samples (the batch
 * builder's trigger), and each version's {@code lineage.freshness.count} is the number of samples
 * it trained for the first time. Once the published counts add up to all trainable samples but
 * fewer than {@code freshPerBatch}, no further step can be built, and the version that holds the
 * last step is out. Trainable: the training events sent that the job does not hold out for
 * evaluation (the job's {@link HeldOutSelector}, a hash of catalog and item, so the count is exact).
 * Only a candidate the gate held back as {@code too_soon} (the README's {@code promotion.reason})
 * is followed by one more version, the trainer's retry; any other decision leaves the served
 * version final.
 *
 * <p>If samples are lost before training (a per-class buffer evicts fresh samples when the stream
 * outpaces the trainer) the counts never add up, and the caller falls back to its quiet period.
 */
final class QuickstartTrainingEnd {
    /** {@code promotion.reason} of a candidate held back only by the minimum refresh interval. */
    static final String TOO_SOON = "too_soon";

    private final long trainable;
    private final int freshPerBatch;

    /**
     * @param trainable     training samples the job will train on at most (events sent, not held out)
     * @param freshPerBatch never-trained samples a batch needs (the job's batch setting), at least 1
     */
    QuickstartTrainingEnd(long trainable, int freshPerBatch) {
        if (trainable < 0 || freshPerBatch < 1) {
            throw new IllegalArgumentException("need trainable >= 0 and freshPerBatch >= 1, got " + trainable + ", "
                    + freshPerBatch);
        }
        this.trainable = trainable;
        this.freshPerBatch = freshPerBatch;
    }

    /** The training items of {@code catalog} that the job trains on: those its held-out rule leaves in. */
    static long trainable(String catalog, List<String> trainingItemIds, double heldOutShare) {
        HeldOutSelector heldOut = new HeldOutSelector(heldOutShare);
        return trainingItemIds.stream().filter(id -> !heldOut.isHeldOut(catalog, id)).count();
    }

    /**
     * Whether no version after the newest of {@code versions} will come: all trainable samples but
     * fewer than a batch's fresh share trained in published versions, and the newest not held back
     * as too soon.
     *
     * @param versions every checkpoint published for the catalog (any order)
     */
    boolean ended(Collection<CheckpointMetadata> versions) {
        long trained = 0;
        CheckpointMetadata newest = null;
        for (CheckpointMetadata m : versions) {
            trained += freshCount(m);
            if (newest == null || m.modelVersion() > newest.modelVersion()) {
                newest = m;
            }
        }
        return newest != null && trained > trainable - freshPerBatch
                && !TOO_SOON.equals(newest.promotion().get("reason"));
    }

    private static long freshCount(CheckpointMetadata m) {
        if (m.lineage().get("freshness") instanceof Map<?, ?> freshness
                && freshness.get("count") instanceof Number count) {
            return count.longValue();
        }
        return 0;
    }
}
