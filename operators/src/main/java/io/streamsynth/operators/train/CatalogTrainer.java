package io.streamsynth.operators.train;

import io.streamsynth.model.checkpoint.Checkpoint;
import io.streamsynth.model.checkpoint.CheckpointCodec;
import io.streamsynth.model.checkpoint.Sha256;
import io.streamsynth.model.data.DecodedImage;
import io.streamsynth.model.image.ImageSpec;
import io.streamsynth.model.image.InputBatch;
import io.streamsynth.model.image.Preprocessing;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.train.EmbeddingModel;
import io.streamsynth.model.train.ModelCheckpoints;
import io.streamsynth.model.train.StepResult;
import io.streamsynth.model.train.TrainingStep;
import io.streamsynth.operators.batch.BatchComposer;
import io.streamsynth.operators.types.ModelRelease;
import io.streamsynth.operators.types.TrainerInput;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Everything one catalog's training needs between events: the model and optimizer, the version
 * counter, the held-out set, and the promotion gate with the promoted version's weights. Plain Java:
 * the Flink operator only decides when to call it and where its snapshot is kept. Its parts: the
 * publish cadence ({@link PublishCadence}), freshness ({@link UnpublishedFreshness}), the promoted
 * model ({@link PromotedModel}), the snapshot's layout ({@link TrainerSnapshotFormat}) and the
 * network's inputs ({@link InputBatch}).
 *
 * <p><b>Versions.</b> Version 0 is the initial model ({@link #publishColdStart}), published and
 * promoted when the catalog's first event arrives; every later version is a candidate judged by the
 * {@link PromotionGate}. For a fair comparison the promoted model is evaluated again on the held-out
 * items the candidate was evaluated on (only when those items changed since its last evaluation), so
 * a gate decision never compares figures of two different item sets.
 */
public final class CatalogTrainer implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CatalogTrainer.class);
    /** Keeps the augmentation's random numbers apart from the batch builder's, drawn from the same seed. */
    private static final long AUGMENTATION_SALT = 0x6175676d656e74L; // "augment"
    /**
     * Lineage entry of a published checkpoint: {@link FreshnessHistogram#toMap()} of the delays from
     * ingest to publication of the samples this version trained on first.
     */
    public static final String FRESHNESS_KEY = "freshness";
    /**
     * Lineage entry of the first checkpoint of a model started anew because the restored state did
     * not fit: reason, previous_model_version, previous_step, previous_weights_sha256.
     */
    public static final String NEW_LINEAGE_KEY = "new_lineage";

    private final String catalog;
    private final TrainerSettings settings;
    private final EmbeddingModel model;
    private final TrainingStep step;
    private final HeldOutSet heldOut;
    private final Preprocessing preprocessing;
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
    /** Set when restored from a snapshot: recorded in the next published checkpoint's lineage. */
    private Map<String, Object> resumedFrom = Map.of();
    /** Set when a restore started the model anew: its state differs from the one in Flink's state. */
    private boolean newLineage;

    private CatalogTrainer(String catalog, TrainerSettings settings, long now) {
        this.catalog = catalog;
        this.settings = settings;
        this.model = new EmbeddingModel(settings.architecture(), settings.device().resolve(), settings.seed(),
                settings.readScriptedBackbone());
        LOG.info("catalog {}: training on {} (requested {})", catalog, model.device(), settings.device());
        this.step = new TrainingStep(model, settings.training());
        this.heldOut = new HeldOutSet(settings.heldOutCapacity());
        this.preprocessing = new Preprocessing(settings.image());
        this.gate = new PromotionGate(settings.promotion());
        this.promoted = new PromotedModel(settings, model.device());
        this.cadence = new PublishCadence(settings.publishEverySteps(), settings.publishInterval(), now);
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
        CatalogTrainer t = new CatalogTrainer(catalog, settings, 0);
        try {
            t.read(new DataInputStream(new ByteArrayInputStream(snapshot)));
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
        requireShape(batch);
        InputBatch inputs = inputs(batch);
        lastStep = step.run(inputs.pixels(), inputs.labels());
        encodedModel = null;
        cadence.stepped();
        fresh.trained(batch);
        return lastStep;
    }

    /**
     * The batch's stored squares as the network's input: augmented (random resized crop and flip)
     * when the spec says so, with random choices from (seed, catalog, batch number) so a restored job
     * trains on the same crops; then normalised.
     */
    private InputBatch inputs(TrainerInput batch) {
        ImageSpec spec = settings.image();
        int stored = spec.storedPixels();
        Random random = BatchComposer.randomFor(settings.seed() ^ AUGMENTATION_SALT, catalog, batch.batchNumber);
        InputBatch.Builder inputs = InputBatch.builder(preprocessing, batch.count());
        for (int n = 0; n < batch.count(); n++) {
            DecodedImage square = new DecodedImage(spec.channels(), spec.resize(), spec.resize(),
                    Arrays.copyOfRange(batch.pixels, n * stored, (n + 1) * stored));
            inputs.addForTraining(square, random, batch.labels[n]);
        }
        return inputs.build();
    }

    /** Drops a deleted item from the evaluation set; returns whether it was there. */
    public boolean removeHeldOut(String itemId) {
        return heldOut.remove(itemId);
    }

    /** Empties the evaluation set: its images were stored under another image contract (channels or S). */
    public void clearHeldOut() {
        heldOut.clear();
    }

    public void addHeldOut(TrainerInput sample) {
        requireShape(sample);
        heldOut.add(sample.itemId, sample.labels[0], sample.pixels);
    }

    /** Inputs carry stored squares, C x S x S; batches raw, held-out samples as stored. */
    private void requireShape(TrainerInput in) {
        ImageSpec spec = settings.image();
        if (in.channels != spec.channels() || in.height != spec.resize() || in.width != spec.resize()) {
            throw new IllegalArgumentException("catalog '" + catalog + "' stores " + spec.channels() + "x"
                    + spec.resize() + "x" + spec.resize() + " images, got " + in.channels + "x" + in.height + "x"
                    + in.width);
        }
        if (in.kind == TrainerInput.BATCH && in.pixels.length != (long) in.count() * spec.storedPixels()) {
            throw new IllegalArgumentException("input of " + in.count() + " images carries " + in.pixels.length
                    + " pixel bytes");
        }
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
        lastEvaluation = heldOut.evaluate(model, preprocessing, settings.evaluationMinItems(), settings.seed());
        return release(gate.coldStart(0, now), now);
    }

    /** Evaluates on the held-out set and releases the next version as a candidate for the promotion gate. */
    public ModelRelease publish(long now) {
        lastEvaluation = heldOut.evaluate(model, preprocessing, settings.evaluationMinItems(), settings.seed());
        return release(gate.judge(version + 1, lastEvaluation, promoted.figures(heldOut, preprocessing), now), now);
    }

    private ModelRelease release(PromotionGate.Decision decision, long now) {
        version = decision.version();
        lastDecision = decision;
        LOG.info("catalog {}: version {} {} ({}){}", catalog, version, decision.promoted() ? "promoted"
                : "not promoted, serving version " + decision.servingVersion(), decision.reason(),
                decision.figures().isEmpty() ? "" : " " + decision.figures());
        Checkpoint checkpoint = ModelCheckpoints.snapshot(step, settings.training(), catalog, version,
                lastEvaluation).withPreprocessing(settings.image().toMap()).withPromotion(decision.toMap());
        lastFreshness = fresh.at(now);
        // an optional lineage entry: readers that do not know it ignore it, as with resumed_from_*
        Map<String, Object> lineage = new LinkedHashMap<>(resumedFrom);
        lineage.put(FRESHNESS_KEY, lastFreshness.toMap());
        checkpoint = checkpoint.withLineage(lineage);
        resumedFrom = Map.of();
        if (decision.promoted()) {
            promoted.adopt(model, checkpoint.weights(), lastEvaluation, heldOut.generation());
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

    private void read(DataInputStream in) throws IOException {
        TrainerSnapshotFormat.Head head = TrainerSnapshotFormat.readHead(in);
        version = head.version();
        cadence.restore(head.stepsSincePublish(), head.lastPublishMillis());
        fresh.restoreOldest(head.oldestUnpublishedFresh());
        lastEvaluation = head.evaluation();
        Checkpoint restored = CheckpointCodec.decode(head.checkpoint());
        Optional<String> problem = StateCompatibility.problem(restored.metadata(), settings);
        if (problem.isEmpty()) {
            ModelCheckpoints.restore(restored, step);
            encodedModel = head.checkpoint();
            heldOut.read(in);
            byte[] weights = TrainerSnapshotFormat.readGateAndPromoted(in, head.format(), gate);
            if (weights != null) {
                promoted.restore(weights);
            }
            resumedFrom = Map.of("resumed_from_weights_sha256", restored.metadata().weightsSha256(),
                    "resumed_at_step", restored.metadata().step());
            return;
        }
        if (settings.onIncompatibleState() == IncompatibleStatePolicy.FAIL) {
            throw new IncompatibleStateException("catalog '" + catalog + "': " + problem.get() + "; restore with "
                    + "the settings the state was saved with, or pass --on-incompatible-state new-lineage to start "
                    + "this catalog's model anew");
        }
        startNewLineage(restored, problem.get(), in, head.format());
    }

    /**
     * Keeps the model and optimizer this trainer was built with (fresh from the seed) instead of the
     * restored ones, and the version counter, so consumers that follow the newest version follow the
     * new model. The held-out items stay when their images still fit the network's input.
     */
    private void startNewLineage(Checkpoint restored, String problem, DataInputStream in, int format)
            throws IOException {
        heldOut.read(in);
        // the promoted model was built for the old network: the first version of the new one is
        // promoted without comparison, and until then the embedder serves the old promoted version
        TrainerSnapshotFormat.readGateAndPromoted(in, format, gate);
        gate.forgetBaseline(PromotionGate.NEW_LINEAGE);
        Architecture saved = Architecture.fromMap(restored.metadata().architecture());
        Architecture now = settings.architecture();
        if (saved.channels() != now.channels() || saved.height() != now.height() || saved.width() != now.width()) {
            heldOut.clear();
        }
        lastEvaluation = Map.of();
        Map<String, Object> previous = new LinkedHashMap<>();
        previous.put("reason", problem);
        previous.put("previous_model_version", version);
        previous.put("previous_step", restored.metadata().step());
        previous.put("previous_weights_sha256", restored.metadata().weightsSha256());
        resumedFrom = Map.of(NEW_LINEAGE_KEY, previous);
        newLineage = true;
        LOG.warn("catalog {}: {}; --on-incompatible-state new-lineage: its model starts anew from the seed at "
                + "version {} (the state of step {} is not used)", catalog, problem, version + 1,
                restored.metadata().step());
    }

    /** True when {@link #restore} started the model anew under {@link IncompatibleStatePolicy#NEW_LINEAGE}. */
    public boolean startedNewLineage() {
        return newLineage;
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
