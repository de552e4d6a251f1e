package io.streamsynth.operators.train;

import io.streamsynth.model.checkpoint.Checkpoint;
import io.streamsynth.model.checkpoint.CheckpointCodec;
import io.streamsynth.model.train.ModelCheckpoints;
import io.streamsynth.model.train.TrainingStep;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.Optional;

/**
 * The restore decision of a trainer snapshot ({@link TrainerSnapshotFormat}) read after its head:
 * continue the saved model when it fits the settings ({@link StateCompatibility}), else fail or start
 * a new lineage as {@link TrainerSettings#onIncompatibleState()} says. It fills the trainer's parts
 * (model and optimizer, held-out set, gate, promoted weights) and tells {@link ReleaseLineage} where
 * the next checkpoint comes from.
 */
final class TrainerRestore {
    // the trainer's logger: operators grep its lines by that name
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CatalogTrainer.class);

    private final String catalog;
    private final TrainerSettings settings;
    private final TrainingStep step;
    private final HeldOutSet heldOut;
    private final PromotionGate gate;
    private final PromotedModel promoted;
    private final ReleaseLineage lineage;
    /** The snapshot is this job's own (a live settings change), not a checkpoint of any age. */
    private final boolean ownSnapshot;

    TrainerRestore(String catalog, TrainerSettings settings, TrainingStep step, HeldOutSet heldOut,
            PromotionGate gate, PromotedModel promoted, ReleaseLineage lineage, boolean ownSnapshot) {
        this.catalog = catalog;
        this.settings = settings;
        this.step = step;
        this.heldOut = heldOut;
        this.gate = gate;
        this.promoted = promoted;
        this.lineage = lineage;
        this.ownSnapshot = ownSnapshot;
    }

    /**
     * Reads the rest of the snapshot after {@code head}.
     *
     * @return true when the saved model and optimizer were restored (the head's checkpoint then describes
     *     the current model, and its evaluation the last version evaluated), false when the model built from the seed was
     *     kept (new lineage)
     * @throws IncompatibleStateException when the saved state does not fit and the policy is
     *     {@link IncompatibleStatePolicy#FAIL}
     */
    boolean apply(TrainerSnapshotFormat.Head head, DataInputStream in) throws IOException {
        Checkpoint restored = CheckpointCodec.decode(head.checkpoint());
        Optional<String> problem = StateCompatibility.problem(restored.metadata(), settings, ownSnapshot);
        if (problem.isEmpty()) {
            ModelCheckpoints.restore(restored, step);
            readHeldOut(in);
            byte[] weights = TrainerSnapshotFormat.readGateAndPromoted(in, head.format(), gate);
            if (weights != null) {
                promoted.restore(weights);
            }
            lineage.resumed(restored.metadata().weightsSha256(), restored.metadata().step());
            return true;
        }
        if (settings.onIncompatibleState() == IncompatibleStatePolicy.FAIL) {
            throw new IncompatibleStateException("catalog '" + catalog + "': " + problem.get() + "; restore with "
                    + "the settings the state was saved with, or pass --on-incompatible-state new-lineage to start "
                    + "this catalog's model anew");
        }
        startNewLineage(restored, problem.get(), head, in);
        return false;
    }

    /**
     * Keeps the model and optimizer the trainer was built with (fresh from the seed, over the backbone file's
     * weights when the settings name one) instead of the restored ones, and the version counter, so
     * consumers that follow the newest version follow the new model. The held-out items stay when their stored images still fit the image spec (readHeldOut):
     * a new crop C or network takes them as they are.
     */
    private void startNewLineage(Checkpoint restored, String problem, TrainerSnapshotFormat.Head head,
            DataInputStream in) throws IOException {
        // the new lineage starts where a new catalog would: its backbone file's weights, the head from the seed
        StartingBackbone.applyTo(step.model(), settings, catalog);
        readHeldOut(in);
        // the promoted model was built for the old network: the first version of the new one is
        // promoted without comparison, and until then the embedder serves the old promoted version
        TrainerSnapshotFormat.readGateAndPromoted(in, head.format(), gate);
        gate.forgetBaseline(PromotionGate.NEW_LINEAGE);
        lineage.startedAnew(problem, head.version(), restored.metadata().step(), restored.metadata().weightsSha256());
        LOG.warn("catalog {}: {}; --on-incompatible-state new-lineage: its model starts anew from the seed at "
                + "version {} (the state of step {} is not used)", catalog, problem, head.version() + 1,
                restored.metadata().step());
    }

    /** The saved held-out items that still fit the job's image spec (S is not part of the model's shape). */
    private void readHeldOut(DataInputStream in) throws IOException {
        heldOut.read(in);
        int dropped = heldOut.dropOtherSizes(settings.image().channels(), settings.image().resize());
        if (dropped > 0) {
            LOG.warn("catalog {}: {} held-out items were stored under another image size and are dropped",
                    catalog, dropped);
        }
    }
}
