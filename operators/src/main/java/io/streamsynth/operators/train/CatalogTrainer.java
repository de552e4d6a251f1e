package io.streamsynth.operators.train;

import io.streamsynth.model.checkpoint.Checkpoint;
import io.streamsynth.model.checkpoint.CheckpointCodec;
import io.streamsynth.model.checkpoint.Sha256;
import io.streamsynth.model.image.InputBatch;
import io.streamsynth.model.train.EmbeddingModel;
import io.streamsynth.model.train.ModelCheckpoints;
import io.streamsynth.model.train.StepResult;
import io.streamsynth.model.train.TrainingStep;
import io.streamsynth.operators.types.ModelRelease;
import io.streamsynth.operators.types.TrainerInput;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Everything one catalog's training needs between events: the model and optimizer, the version
 * counter, the held-out set, and the promotion gate with the promoted version's weights. Plain Java:
 * the Flink operator only decides when to call it and where its snapshot is kept. Its parts: the
 * publish cadence ({@link PublishCadence}), freshness ({@link UnpublishedFreshness}), the promoted
 * model ({@link PromotedModel}), the snapshot's layout ({@link TrainerSnapshotFormat}), the restore
 * and new-lineage decision ({@link TrainerRestore}), the published lineage ({@link ReleaseLineage})
 * and the network's inputs ({@link TrainingInputs}).
 *
 * <p><b>Versions.</b> Version 0 is the initial model ({@link #publishColdStart}), published and
 * promoted when the catalog's first event arrives; every later version is a candidate judged by the
 * {@link PromotionGate}. For a fair comparison the promoted model is evaluated again on the held-out
 * items the candidate was evaluated on (only when those items changed since its last evaluation), so
 * a gate decision never compares figures of two different item sets.
 */
public final class CatalogTrainer implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CatalogTrainer.class);
    /**
     * Lineage entry of a published checkpoint: {@link FreshnessHistogram#toMap()} of the delays from
     * ingest to publication of the samples this version trained on first.
     */
    public static final String FRESHNESS_KEY = ReleaseLineage.FRESHNESS_KEY;
    /**
     * Lineage entry of the first checkpoint of a model started anew because the restored state did
     * not fit: reason, previous_model_version, previous_step, previous_weights_sha256.
     */
    public static final String NEW_LINEAGE_KEY = ReleaseLineage.NEW_LINEAGE_KEY;
    /**
     * Lineage entry of every checkpoint of a model over a backbone file: its path or URI (torchvision weights
     * it started from, or the TorchScript module it is built over, which the embedder loads to rebuild it).
     */
    public static final String BACKBONE_FILE_KEY = ReleaseLineage.BACKBONE_FILE_KEY;

    private final String catalog;
    private final TrainerSettings settings;
    private final EmbeddingModel model;
    private final TrainingStep step;
    private final HeldOutSet heldOut;
    private final TrainingInputs inputs;
    private final PromotionGate gate;
    private final PromotedModel promoted;
    private final PublishCadence cadence;
    private final UnpublishedFreshness fresh = new UnpublishedFreshness();
    /** The last version published, -1 before the first. */
    private long version = -1;
    /**
     * The current model and optimizer state encoded (the last release's checkpoint, or the last
     * snapshot's), or null when it no longer matches: a step changes them. A snapshot reuses it rather
     * than encoding (and hashing) the same weights again.
     */
    private byte[] encodedModel;
    private PromotionGate.Decision lastDecision;
    private FreshnessHistogram lastFreshness = new FreshnessHistogram();
    private Map<String, Double> lastEvaluation = Map.of();
    private StepResult lastStep;
    /** Where the model came from, told in the next published checkpoint; see {@link TrainerRestore}. */
    private final ReleaseLineage lineage;

    private CatalogTrainer(String catalog, TrainerSettings settings, long now) {
        this.catalog = catalog;
        this.settings = settings;
        this.model = new EmbeddingModel(settings.architecture(), settings.device().resolve(), settings.seed(),
                settings.readScriptedBackbone());
        LOG.info("catalog {}: training on {} (requested {})", catalog, model.device(), settings.device());
        this.step = new TrainingStep(model, settings.training());
        this.heldOut = new HeldOutSet(settings.heldOutCapacity());
        this.inputs = new TrainingInputs(catalog, settings.image(), settings.seed());
        this.gate = new PromotionGate(settings.promotion());
        this.promoted = new PromotedModel(settings, model.device());
        this.cadence = new PublishCadence(settings.publishEverySteps(), settings.publishInterval(), now);
        this.lineage = new ReleaseLineage(settings.backboneWeights());
    }

    /**
     * A catalog seen for the first time, version 0: initial weights from the seed, the backbone's from
     * {@link TrainerSettings#backboneWeights()} when set (checked at start-up; a file that changed since
     * fails here, naming it).
     */
    public static CatalogTrainer create(String catalog, TrainerSettings settings, long now) {
        CatalogTrainer t = new CatalogTrainer(catalog, settings, now);
        try {
            StartingBackbone.applyTo(t.model, settings, catalog);
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
        return t;
    }

    /** A catalog resumed from {@link #snapshot()}: the same weights, optimizer state, counters and held-out set. */
    public static CatalogTrainer restore(String catalog, TrainerSettings settings, byte[] snapshot) {
        return restore(catalog, settings, snapshot, false);
    }

    /**
     * A catalog rebuilt from its own {@link #snapshot()} under settings that replace those it trained under (a
     * settings record): as {@link #restore}, except that the snapshot is this job's, so a network saved without
     * {@code backbone_sha256} started from random weights and a backbone file now is a new lineage (a restore
     * takes it for a checkpoint written before the digest was recorded).
     */
    public static CatalogTrainer rebuild(String catalog, TrainerSettings settings, byte[] snapshot) {
        return restore(catalog, settings, snapshot, true);
    }

    private static CatalogTrainer restore(String catalog, TrainerSettings settings, byte[] snapshot,
            boolean ownSnapshot) {
        CatalogTrainer t = new CatalogTrainer(catalog, settings, 0);
        try {
            t.read(new DataInputStream(new ByteArrayInputStream(snapshot)), ownSnapshot);
            return t;
        } catch (IncompatibleStateException e) {
            t.close();
            throw e;
        } catch (IOException | RuntimeException e) {
            t.close();
            throw new IllegalStateException("cannot restore the trainer of catalog '" + catalog + "': "
                    + e.getMessage(), e);
        }
    }

    public StepResult train(TrainerInput batch) {
        inputs.requireShape(batch);
        InputBatch network = inputs.forTraining(batch);
        lastStep = step.run(network.pixels(), network.labels());
        encodedModel = null;
        cadence.stepped();
        fresh.trained(batch);
        return lastStep;
    }

    /** Drops a deleted item from the evaluation set; returns whether it was there. */
    public boolean removeHeldOut(String itemId) {
        return heldOut.remove(itemId);
    }

    public void addHeldOut(TrainerInput sample) {
        inputs.requireShape(sample);
        heldOut.add(sample.itemId, sample.labels[0], sample.pixels);
    }

    /** True when enough steps have passed, or some steps and enough time. */
    public boolean publishDue(long now) {
        return cadence.due(now);
    }

    /** When unpublished steps become due by time alone. */
    public long publishDeadline() {
        return cadence.deadline();
    }

    public boolean hasUnpublishedSteps() {
        return cadence.hasUnpublishedSteps();
    }

    /** Training steps since the last version. */
    public long unpublishedSteps() {
        return cadence.stepsSincePublish();
    }

    /**
     * True when the newest candidate was held back only by the minimum refresh interval and that
     * interval has now passed: publishing again then offers the current model (the same weights if
     * it has not trained since) to the gate, which no longer finds it too soon.
     */
    public boolean promotionRetryDue(long now) {
        return gate.retryDue(now);
    }

    /** When {@link #promotionRetryDue} becomes true, or -1 when no candidate is held back. */
    public long promotionRetryAt() {
        return gate.heldBack() < 0 ? -1 : gate.retryAt();
    }

    /**
     * Releases version 0, the model as created (initialisation or pretrained backbone), promoted by
     * definition, so that the catalog's items are embedded from its first event on.
     *
     * @throws IllegalStateException when a version was published already
     */
    public ModelRelease publishColdStart(long now) {
        if (version >= 0) {
            throw new IllegalStateException("catalog '" + catalog + "' published version " + version
                    + " already; version 0 is its first");
        }
        lastEvaluation = evaluate();
        return release(gate.coldStart(0, now), now, lastEvaluation);
    }

    /**
     * Releases the next version as a candidate for the promotion gate, evaluated on the held-out set unless the
     * gate's minimum refresh interval alone holds it back (then unevaluated, see {@link PromotionGate#holdsBackRegardless}).
     */
    public ModelRelease publish(long now) {
        return publish(now, false);
    }

    /**
     * As {@link #publish(long)}; {@code streamIdle} says the catalog's batches stopped, so the gate need not
     * hold a good candidate back for its minimum refresh interval (see {@link PromotionGate}).
     */
    public ModelRelease publish(long now, boolean streamIdle) {
        if (promoted.comparable() && gate.holdsBackRegardless(now, streamIdle)) {
            // the interval alone holds this candidate back, so its figures would decide nothing; evaluating it
            // (and the promoted model again, as ingest keeps changing the held-out items) took about a tenth
            // of the trainer's thread (docs/BENCHMARKS.md section 4, "Candidates the interval holds back")
            return release(gate.holdBackUnevaluated(version + 1, now, streamIdle), now, Map.of());
        }
        lastEvaluation = evaluate();
        Map<String, Double> promotedFigures = promoted.figures(heldOut, inputs.preprocessing());
        return release(gate.judge(version + 1, lastEvaluation, promotedFigures, now, streamIdle), now,
                lastEvaluation);
    }

    private Map<String, Double> evaluate() {
        return heldOut.evaluate(model, inputs.preprocessing(), settings.evaluationMinItems(), settings.seed());
    }

    /** @param evaluation the candidate's held-out figures, written into its checkpoint; empty when not evaluated */
    private ModelRelease release(PromotionGate.Decision decision, long now, Map<String, Double> evaluation) {
        version = decision.version();
        lastDecision = decision;
        LOG.info("catalog {}: version {} {} ({}){}", catalog, version, decision.promoted() ? "promoted"
                : "not promoted, serving version " + decision.servingVersion(), decision.reason(),
                decision.figures().isEmpty() ? "" : " " + decision.figures());
        Checkpoint checkpoint = ModelCheckpoints.snapshot(step, settings.training(), catalog, version,
                evaluation).withPreprocessing(settings.image().toMap()).withPromotion(decision.toMap());
        lastFreshness = fresh.at(now);
        checkpoint = checkpoint.withLineage(lineage.next(lastFreshness));
        if (decision.promoted()) {
            promoted.adopt(model, checkpoint.weights(), evaluation, heldOut.generation());
        }
        encodedModel = CheckpointCodec.encode(checkpoint);
        ModelRelease release = new ModelRelease(catalog, version, step.optimizer().steps(), now, fresh.oldest(),
                encodedModel, decision.promoted());
        // the one digest of the whole blob: the chunks' header and the version marker name it
        release.checkpointSha256 = Sha256.hex(encodedModel);
        cadence.published(now);
        fresh.reset();
        return release;
    }

    /** Bytes that {@link #restore} turns back into this exact trainer ({@link TrainerSnapshotFormat}). */
    public byte[] snapshot() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            TrainerSnapshotFormat.writeHead(out, new TrainerSnapshotFormat.Head(TrainerSnapshotFormat.FORMAT, version,
                    cadence.stepsSincePublish(), cadence.lastPublishMillis(), fresh.oldest(), lastEvaluation,
                    encodedModel()));
            heldOut.write(out);
            gate.write(out);
            TrainerSnapshotFormat.writePromoted(out, promoted.weights());
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The model and optimizer state encoded: the bytes of the last release or snapshot while no step
     * changed them (their metadata may carry more, e.g. lineage and the gate's decision, which a
     * restore ignores), else encoded anew.
     */
    private byte[] encodedModel() {
        if (encodedModel == null) {
            // the metadata's version cannot be -1; read() takes the version from the snapshot's own field
            encodedModel = CheckpointCodec.encode(ModelCheckpoints.snapshot(step, settings.training(), catalog,
                    Math.max(0, version), lastEvaluation));
        }
        return encodedModel;
    }

    private void read(DataInputStream in, boolean ownSnapshot) throws IOException {
        TrainerSnapshotFormat.Head head = TrainerSnapshotFormat.readHead(in);
        version = head.version();
        cadence.restore(head.stepsSincePublish(), head.lastPublishMillis());
        fresh.restoreOldest(head.oldestUnpublishedFresh());
        TrainerRestore restore = new TrainerRestore(catalog, settings, step, heldOut, gate, promoted, lineage,
                ownSnapshot);
        boolean continued = restore.apply(head, in);
        // a new lineage's model is the seed's: the saved evaluation and encoding describe another one
        lastEvaluation = continued ? head.evaluation() : Map.of();
        encodedModel = continued ? head.checkpoint() : null;
    }

    /** True when {@link #restore} started the model anew under {@link IncompatibleStatePolicy#NEW_LINEAGE}. */
    public boolean startedNewLineage() {
        return lineage.startedNewLineage();
    }

    public String catalog() {
        return catalog;
    }

    /** The newest version published (promoted or not), -1 before the first. */
    public long version() {
        return version;
    }

    /** The version the embedder serves, -1 when none is known. */
    public long promotedVersion() {
        return gate.promotedVersion();
    }

    /** Versions promoted since this trainer was created or restored. */
    public long promotions() {
        return gate.promotions();
    }

    /** Candidates not promoted since this trainer was created or restored. */
    public long rejections() {
        return gate.rejections();
    }

    /** The gate's decision on the newest version, or null before one was published here. */
    PromotionGate.Decision lastDecision() {
        return lastDecision;
    }

    public long steps() {
        return step.optimizer().steps();
    }

    public EmbeddingModel model() {
        return model;
    }

    public int heldOutSize() {
        return heldOut.size();
    }

    /** Freshness of the last published version (empty before the first). */
    public FreshnessHistogram lastFreshness() {
        return lastFreshness;
    }

    /** Held-out figures of the last version evaluated (a candidate the interval alone held back is not). */
    public Map<String, Double> lastEvaluation() {
        return lastEvaluation;
    }

    /** The last step's figures, or null before the first step. */
    public StepResult lastStep() {
        return lastStep;
    }

    @Override
    public void close() {
        promoted.close();
        step.close();
        model.close();
    }
}
