package io.streamsynth.operators.train;

import io.streamsynth.model.checkpoint.Checkpoint;
import io.streamsynth.model.checkpoint.CheckpointCodec;
import io.streamsynth.model.checkpoint.SafeTensors;
import io.streamsynth.model.checkpoint.Sha256;
import io.streamsynth.model.data.DecodedImage;
import io.streamsynth.model.image.ImageSpec;
import io.streamsynth.model.image.InputBatch;
import io.streamsynth.model.image.Preprocessing;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.train.BackboneFile;
import io.streamsynth.model.train.BackboneWeights;
import io.streamsynth.model.train.EmbeddingModel;
import io.streamsynth.model.train.ModelCheckpoints;
import io.streamsynth.model.train.StepResult;
import io.streamsynth.model.train.TrainingStep;
import io.streamsynth.operators.backbone.BackboneFiles;
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
 * and publish counters, the held-out set, and the promotion gate with the promoted version's
 * weights. Plain Java: the Flink operator only decides when to call it and where its snapshot is kept.
 *
 * <p><b>Versions.</b> Version 0 is the initial model ({@link #publishColdStart}), published and
 * promoted when the catalog's first event arrives; every later version is a candidate judged by the
 * {@link PromotionGate}. For a fair comparison the promoted model is evaluated again on the held-out
 * items the candidate was evaluated on (only when those items changed since its last evaluation), so
 * a gate decision never compares figures of two different item sets.
 */
public final class CatalogTrainer implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CatalogTrainer.class);
    private static final int SNAPSHOT_MAGIC = 0x53535452; // "SSTR"
    /** 2 added the promotion gate and the promoted weights; 1 is still read (no promoted version known). */
    private static final int SNAPSHOT_FORMAT = 2;
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
    /** The last version published, -1 before the first. */
    private long version = -1;
    /** Weights of the promoted version, to evaluate it on the current held-out items; null when none is comparable. */
    private EmbeddingModel promotedModel;
    /** {@link #promotedModel}'s weights as safetensors bytes, as published or restored: what a snapshot stores. */
    private byte[] promotedWeights;
    /**
     * The current model and optimizer state encoded (the last release's checkpoint, or the last
     * snapshot's), or null when it no longer matches: a step changes them. A snapshot reuses it rather
     * than encoding (and hashing) the same weights again.
     */
    private byte[] encodedModel;
    /** The promoted model's figures on the held-out items of {@link #promotedFiguresGeneration}. */
    private Map<String, Double> promotedFigures;
    private long promotedFiguresGeneration = -1;
    private PromotionGate.Decision lastDecision;
    private long stepsSincePublish;
    private long lastPublishMillis;
    private long oldestUnpublishedFresh;
    /**
     * Ingest times of the samples first trained since the last version. Not part of the snapshot:
     * after a restore, samples trained before the failure but not yet published go uncounted.
     */
    private long[] unpublishedFreshTimes = new long[64];
    private int unpublishedFreshCount;
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
        this.lastPublishMillis = now;
    }

    /**
     * A catalog seen for the first time, version 0: initial weights from the seed, the backbone's from
     * {@link TrainerSettings#backboneWeights()} when set (checked at start-up; a file that changed since
     * fails here, naming it).
     */
    public static CatalogTrainer create(String catalog, TrainerSettings settings, long now) {
        CatalogTrainer t = new CatalogTrainer(catalog, settings, now);
        if (settings.backboneWeights() != null && settings.architecture().isTorchvision()) {
            try {
                BackboneFile file = BackboneFiles.read(settings.backboneWeights());
                if (settings.architecture().backboneSha256() != null) {
                    file.requireSha256(settings.architecture().backboneSha256());
                }
                BackboneWeights weights = BackboneWeights.of(file);
                weights.applyTo(t.model).forEach(note -> LOG.info("catalog {}: {}", catalog, note));
                LOG.info("catalog {}: backbone from {} (sha256 {})", catalog, weights.source(), weights.sha256());
            } catch (RuntimeException e) {
                t.close();
                throw e;
            }
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
        stepsSincePublish++;
        if (batch.freshCount > 0 && batch.oldestFreshIngestTime > 0) {
            oldestUnpublishedFresh = oldestUnpublishedFresh == 0 ? batch.oldestFreshIngestTime
                    : Math.min(oldestUnpublishedFresh, batch.oldestFreshIngestTime);
        }
        if (batch.freshIngestTimes != null) {
            rememberFresh(batch.freshIngestTimes);
        }
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

    private void rememberFresh(long[] times) {
        if (unpublishedFreshCount + times.length > unpublishedFreshTimes.length) {
            unpublishedFreshTimes = Arrays.copyOf(unpublishedFreshTimes,
                    Math.max(2 * unpublishedFreshTimes.length, unpublishedFreshCount + times.length));
        }
        System.arraycopy(times, 0, unpublishedFreshTimes, unpublishedFreshCount, times.length);
        unpublishedFreshCount += times.length;
    }

    /** From ingest to {@code now} for every sample first trained since the last version. */
    private FreshnessHistogram freshnessAt(long now) {
        FreshnessHistogram h = new FreshnessHistogram();
        for (int i = 0; i < unpublishedFreshCount; i++) {
            if (unpublishedFreshTimes[i] > 0) {
                h.record(now - unpublishedFreshTimes[i]);
            }
        }
        return h;
    }

    /** Drops a deleted item from the evaluation set; returns whether it was there. */
    public boolean removeHeldOut(String itemId) {
        return heldOut.remove(itemId);
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
        return stepsSincePublish >= settings.publishEverySteps()
                || (stepsSincePublish > 0 && now - lastPublishMillis >= settings.publishInterval().toMillis());
    }

    /** When unpublished steps become due by time alone. */
    public long publishDeadline() {
        return lastPublishMillis + settings.publishInterval().toMillis();
    }

    public boolean hasUnpublishedSteps() {
        return stepsSincePublish > 0;
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
        return release(gate.judge(version + 1, lastEvaluation, promotedFigures(), now), now);
    }

    /**
     * The promoted model's figures on the current held-out items (evaluated again only when they
     * changed), or null when no promoted model can be compared.
     */
    private Map<String, Double> promotedFigures() {
        if (promotedModel == null) {
            return null;
        }
        if (promotedFigures == null || promotedFiguresGeneration != heldOut.generation()) {
            promotedFigures = heldOut.evaluate(promotedModel, preprocessing, settings.evaluationMinItems(),
                    settings.seed());
            promotedFiguresGeneration = heldOut.generation();
        }
        return promotedFigures;
    }

    /**
     * Keeps a copy of the current weights as the promoted model, with the figures just computed for
     * them; {@code weights} are the same weights as published (safetensors).
     */
    private void adoptAsPromoted(byte[] weights) {
        if (promotedModel == null) {
            promotedModel = new EmbeddingModel(settings.architecture(), model.device(), settings.seed(),
                    settings.readScriptedBackbone());
        }
        promotedModel.importWeights(model.exportWeights());
        promotedWeights = weights;
        promotedFigures = lastEvaluation;
        promotedFiguresGeneration = heldOut.generation();
    }

    private ModelRelease release(PromotionGate.Decision decision, long now) {
        version = decision.version();
        lastDecision = decision;
        LOG.info("catalog {}: version {} {} ({}){}", catalog, version, decision.promoted() ? "promoted"
                : "not promoted, serving version " + decision.servingVersion(), decision.reason(),
                decision.figures().isEmpty() ? "" : " " + decision.figures());
        Checkpoint checkpoint = ModelCheckpoints.snapshot(step, settings.training(), catalog, version,
                lastEvaluation).withPreprocessing(settings.image().toMap()).withPromotion(decision.toMap());
        lastFreshness = freshnessAt(now);
        // an optional lineage entry: readers that do not know it ignore it, as with resumed_from_*
        Map<String, Object> lineage = new LinkedHashMap<>(resumedFrom);
        lineage.put(FRESHNESS_KEY, lastFreshness.toMap());
        checkpoint = checkpoint.withLineage(lineage);
        resumedFrom = Map.of();
        if (decision.promoted()) {
            adoptAsPromoted(checkpoint.weights());
        }
        encodedModel = CheckpointCodec.encode(checkpoint);
        ModelRelease release = new ModelRelease(catalog, version, step.optimizer().steps(), now,
                oldestUnpublishedFresh, encodedModel, decision.promoted());
        // the one digest of the whole blob: the chunks' header and the version marker name it
        release.checkpointSha256 = Sha256.hex(encodedModel);
        stepsSincePublish = 0;
        lastPublishMillis = now;
        oldestUnpublishedFresh = 0;
        unpublishedFreshCount = 0;
        return release;
    }

    /** Bytes that {@link #restore} turns back into this exact trainer. */
    public byte[] snapshot() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(SNAPSHOT_MAGIC);
            out.writeInt(SNAPSHOT_FORMAT);
            out.writeLong(version);
            out.writeLong(stepsSincePublish);
            out.writeLong(lastPublishMillis);
            out.writeLong(oldestUnpublishedFresh);
            out.writeInt(lastEvaluation.size());
            for (Map.Entry<String, Double> e : lastEvaluation.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeDouble(e.getValue());
            }
            byte[] checkpoint = encodedModel();
            out.writeInt(checkpoint.length);
            out.write(checkpoint);
            heldOut.write(out);
            gate.write(out);
            out.writeBoolean(promotedModel != null);
            if (promotedModel != null) {
                out.writeInt(promotedWeights.length);
                out.write(promotedWeights);
            }
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
        if (in.readInt() != SNAPSHOT_MAGIC) {
            throw new IOException("not a trainer snapshot");
        }
        int format = in.readInt();
        if (format != 1 && format != SNAPSHOT_FORMAT) {
            throw new IOException("trainer snapshot format " + format + " is not supported");
        }
        version = in.readLong();
        stepsSincePublish = in.readLong();
        lastPublishMillis = in.readLong();
        oldestUnpublishedFresh = in.readLong();
        int figures = in.readInt();
        Map<String, Double> evaluation = new LinkedHashMap<>();
        for (int i = 0; i < figures; i++) {
            evaluation.put(in.readUTF(), in.readDouble());
        }
        lastEvaluation = evaluation;
        byte[] checkpoint = new byte[in.readInt()];
        in.readFully(checkpoint);
        Checkpoint restored = CheckpointCodec.decode(checkpoint);
        Optional<String> problem = StateCompatibility.problem(restored.metadata(), settings);
        if (problem.isEmpty()) {
            ModelCheckpoints.restore(restored, step);
            encodedModel = checkpoint;
            heldOut.read(in);
            byte[] promoted = readGate(in, format);
            if (promoted != null) {
                promotedModel = new EmbeddingModel(settings.architecture(), model.device(), settings.seed(),
                        settings.readScriptedBackbone());
                promotedModel.importWeights(SafeTensors.read(promoted).tensors());
                promotedWeights = promoted;
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
        startNewLineage(restored, problem.get(), in, format);
    }

    /**
     * Reads the gate's state and returns the promoted weights (safetensors), or null when there are
     * none; a format-1 snapshot has neither, so its next candidate is promoted as the first version.
     */
    private byte[] readGate(DataInputStream in, int format) throws IOException {
        if (format < 2) {
            return null;
        }
        gate.read(in);
        if (!in.readBoolean()) {
            return null;
        }
        byte[] promoted = new byte[in.readInt()];
        in.readFully(promoted);
        return promoted;
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
        readGate(in, format);
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
        if (promotedModel != null) {
            promotedModel.close();
        }
        step.close();
        model.close();
    }
}
