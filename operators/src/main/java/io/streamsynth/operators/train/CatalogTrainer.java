package io.streamsynth.operators.train;

import io.streamsynth.model.checkpoint.Checkpoint;
import io.streamsynth.model.checkpoint.CheckpointCodec;
import io.streamsynth.model.data.DecodedImage;
import io.streamsynth.model.image.ImageSpec;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Everything one catalog's training needs between events: the model and optimizer, the version
 * and publish counters, and the held-out set. Plain Java: the Flink operator only decides when to
 * call it and where its snapshot is kept.
 */
public final class CatalogTrainer implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CatalogTrainer.class);
    private static final int SNAPSHOT_MAGIC = 0x53535452; // "SSTR"
    private static final int SNAPSHOT_FORMAT = 1;
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
    private long version;
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
        Map<String, Integer> ids = new HashMap<>();
        int[] labels = new int[batch.count()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = ids.computeIfAbsent(batch.labels[i], l -> ids.size());
        }
        lastStep = step.run(inputs(batch), labels);
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
    private float[] inputs(TrainerInput batch) {
        ImageSpec spec = settings.image();
        int stored = spec.storedPixels();
        int per = spec.inputPixels();
        Random random = BatchComposer.randomFor(settings.seed() ^ AUGMENTATION_SALT, catalog, batch.batchNumber);
        float[] out = new float[batch.count() * per];
        for (int n = 0; n < batch.count(); n++) {
            DecodedImage square = new DecodedImage(spec.channels(), spec.resize(), spec.resize(),
                    Arrays.copyOfRange(batch.pixels, n * stored, (n + 1) * stored));
            preprocessing.normalize(preprocessing.forTraining(square, random), out, n * per);
        }
        return out;
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

    /** Evaluates on the held-out set and releases the next version. */
    public ModelRelease publish(long now) {
        lastEvaluation = heldOut.evaluate(model, preprocessing, settings.evaluationMinItems(), settings.seed());
        version++;
        Checkpoint checkpoint = ModelCheckpoints.snapshot(step, settings.training(), catalog, version,
                lastEvaluation).withPreprocessing(settings.image().toMap());
        lastFreshness = freshnessAt(now);
        // an optional lineage entry: readers that do not know it ignore it, as with resumed_from_*
        Map<String, Object> lineage = new LinkedHashMap<>(resumedFrom);
        lineage.put(FRESHNESS_KEY, lastFreshness.toMap());
        checkpoint = checkpoint.withLineage(lineage);
        resumedFrom = Map.of();
        ModelRelease release = new ModelRelease(catalog, version, step.optimizer().steps(), now,
                oldestUnpublishedFresh, CheckpointCodec.encode(checkpoint));
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
            byte[] checkpoint = CheckpointCodec.encode(ModelCheckpoints.snapshot(step, settings.training(), catalog,
                    version, lastEvaluation));
            out.writeInt(checkpoint.length);
            out.write(checkpoint);
            heldOut.write(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void read(DataInputStream in) throws IOException {
        if (in.readInt() != SNAPSHOT_MAGIC) {
            throw new IOException("not a trainer snapshot");
        }
        int format = in.readInt();
        if (format != SNAPSHOT_FORMAT) {
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
            heldOut.read(in);
            resumedFrom = Map.of("resumed_from_weights_sha256", restored.metadata().weightsSha256(),
                    "resumed_at_step", restored.metadata().step());
            return;
        }
        if (settings.onIncompatibleState() == IncompatibleStatePolicy.FAIL) {
            throw new IncompatibleStateException("catalog '" + catalog + "': " + problem.get() + "; restore with "
                    + "the settings the state was saved with, or pass --on-incompatible-state new-lineage to start "
                    + "this catalog's model anew");
        }
        startNewLineage(restored, problem.get(), in);
    }

    /**
     * Keeps the model and optimizer this trainer was built with (fresh from the seed) instead of the
     * restored ones, and the version counter, so consumers that follow the newest version follow the
     * new model. The held-out items stay when their images still fit the network's input.
     */
    private void startNewLineage(Checkpoint restored, String problem, DataInputStream in) throws IOException {
        heldOut.read(in);
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

    public long version() {
        return version;
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
        step.close();
        model.close();
    }
}
