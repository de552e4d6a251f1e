package io.streamsynth.operators.train;

import io.streamsynth.model.train.StepResult;
import io.streamsynth.operators.types.ModelRelease;
import io.streamsynth.operators.types.SettingsStamp;
import io.streamsynth.operators.types.TrainerInput;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streaming trainer, keyed by catalog: one training step per batch, a new model version every
 * N steps or T seconds.
 *
 * <p><b>Versions and promotion.</b> A catalog's first input (any kind: the batch builder announces
 * every catalog with a {@link TrainerInput#CATALOG_SEEN} as soon as its first event arrives) creates
 * its model and publishes it at once as version 0, promoted ({@code cold_start}), so the embedder
 * serves the catalog before training can start. Every later version is a candidate: all go to the
 * checkpoints topic, and {@link ModelRelease#promoted} says whether the {@link PromotionGate} let it
 * replace the served version (only those reach the embedder, see the job graph). When the newest
 * candidate was held back only by the minimum refresh interval, a timer at the end of the interval
 * publishes the current model again (see {@link CatalogTrainer#promotionRetryDue}).
 *
 * <p><b>Publishing when the stream goes idle.</b> With {@code publishWhenIdle} set, a catalog whose
 * batches stopped ({@link StreamIdleness}: no step for that long, and for twice the longest recent gap
 * between steps) publishes the steps trained since its last version at once, through the promotion gate like
 * any version, instead of waiting for the publish interval (at least {@link #MIN_IDLE_STEPS} of them):
 * the last model of a stream that ended (the quickstart's, a catalog's nightly upload) is out seconds
 * after its last step. A processing-time timer checks it, at most one pending per catalog. Such a version
 * is not held back by the gate's minimum refresh interval ({@link PromotionGate#STREAM_IDLE}): an idle
 * catalog is not training, so a re-embedding pass now takes nothing from its steps.
 *
 * <p>Each catalog's model lives in memory between events, because writing a megabyte of weights
 * and optimizer moments to state after every step would cost more than the step. Instead the
 * operator writes the snapshot of every catalog that changed into keyed state in
 * {@link #snapshotState}, which Flink calls before it snapshots the keyed state backend: each
 * completed checkpoint holds exactly the model that had seen the input before its barrier, and a
 * restored job resumes from it (on another subtask too, after rescaling, since it is keyed state).
 *
 * <p><b>Catalog settings.</b> Each catalog trains under its settings record (README, "Catalog settings"),
 * stamped on its inputs by the batch builder; the stamp the catalog trains under is keyed state too, so a
 * restore rebuilds each catalog with its own settings. An input stamped with a newer revision is applied
 * before the input: the catalog's trainer is rebuilt from its own snapshot under the new settings. When the
 * model and optimizer state still fit (learning rate, loss, synthesis, P, K, cadence, promotion, held-out
 * share changed) training goes on from the same weights and step with the new settings from the next
 * batch. When they do not (architecture, channels, crop C, embedding size, pooling, base filters, backbone
 * file, optimizer: {@link StateCompatibility}), the catalog starts a new lineage whatever
 * {@code --on-incompatible-state} says (that flag is about restores): a model fresh from the seed (over the
 * settings' backbone weights, if any), versions counting on, published at once as the next version
 * (promoted, reason {@code new_lineage}) so the catalog's items are embedded with it. Held-out items whose
 * stored images still fit the new C x S x S stay. A revision whose rebuild fails is rejected: the catalog
 * trains on under the settings it had, and the revision is remembered in keyed state so that neither a later
 * input nor a restore tries it again. A new catalog whose first revision cannot be built is rejected alike: it
 * has no model (nothing is published, its samples are dropped and counted) until an input stamped with a newer
 * revision brings settings that build, which then start it at version 0 (see {@link #trainerFor}).
 *
 * <p><b>Restores that cannot succeed.</b> Besides a state the settings do not fit
 * ({@link IncompatibleStateException}), a restore that needs a backbone file (a TorchScript module, or the
 * weights a new lineage starts from) that is gone or holds other bytes than the job started with
 * ({@link UnrecoverableBackboneFile}) fails the job once, with an error Flink does not retry and that names the
 * file: every restart would meet the same checkpoint and the same file. Any other restore failure (an I/O error while reading the file, say) is
 * left to Flink's restart strategy, since a retry may succeed.
 */
public final class TrainerOperator extends AbstractStreamOperator<ModelRelease>
        implements OneInputStreamOperator<TrainerInput, ModelRelease>, Triggerable<String, VoidNamespace> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TrainerOperator.class);

    private final CatalogTrainerSettings settings;
    /**
     * Fewer unpublished steps than this wait for the cadence even when the stream is idle: a starved
     * trainer (its decoder behind on a loaded machine) pauses between its first steps, before the usual
     * gap is known, and a version of one or two steps is not worth an evaluation and a checkpoint.
     */
    static final int MIN_IDLE_STEPS = 4;
    /** 0: publish by the cadence only. */
    private final long publishWhenIdleMillis;

    private transient ValueState<byte[]> snapshots;
    /** The settings stamp each catalog trains under (absent: the job's flags). */
    private transient ValueState<SettingsStamp> stamps;
    private transient Map<String, SettingsStamp> applied;
    /**
     * Per catalog, the newest settings revision whose rebuild, or a new catalog's first build, failed (absent:
     * none), keyed state so that a restore does not try it again; {@link #stamps} keeps the settings the model
     * was saved with.
     */
    private transient ValueState<Long> rejectedRevisions;
    private transient Map<String, Long> rejected;
    private transient InternalTimerService<VoidNamespace> timers;
    private transient Map<String, CatalogTrainer> trainers;
    private transient Set<String> changed;
    private transient Map<String, StreamIdleness> idleness;
    /** Per catalog, the time of its pending idle check; absent when none is pending. */
    private transient Map<String, Long> idleChecks;
    private transient Counter steps;
    private transient Meter stepsPerSecond;
    private transient Counter images;
    private transient Meter imagesPerSecond;
    private transient Counter rejectedInputs;
    private transient Counter settingsRejected;
    private transient Counter releases;

    /** Every catalog with {@code settings}: a job graph without catalog settings records; no idle publishing. */
    public TrainerOperator(TrainerSettings settings) {
        this(CatalogTrainerSettings.fixed(settings));
    }

    /** Publishing by each catalog's cadence only. */
    public TrainerOperator(CatalogTrainerSettings settings) {
        this(settings, Duration.ZERO);
    }

    /**
     * @param publishWhenIdle a catalog whose batches stopped for this long (see the class comment) publishes
     *                        its unpublished steps at once; zero: only by the cadence
     */
    public TrainerOperator(CatalogTrainerSettings settings, Duration publishWhenIdle) {
        if (publishWhenIdle == null || publishWhenIdle.isNegative()) {
            throw new IllegalArgumentException("publish-when-idle must not be negative, got " + publishWhenIdle);
        }
        this.settings = settings;
        this.publishWhenIdleMillis = publishWhenIdle.toMillis();
    }

    @Override
    public void open() throws Exception {
        super.open();
        ValueStateDescriptor<byte[]> descriptor = new ValueStateDescriptor<>("trainer-snapshot",
                PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
        snapshots = getPartitionedState(descriptor);
        stamps = getPartitionedState(new ValueStateDescriptor<>("trainer-settings-stamp",
                TypeInformation.of(SettingsStamp.class)));
        applied = new HashMap<>();
        rejectedRevisions = getPartitionedState(new ValueStateDescriptor<>("trainer-settings-rejected", Types.LONG));
        rejected = new HashMap<>();
        timers = getInternalTimerService("publish", VoidNamespaceSerializer.INSTANCE, this);
        trainers = new HashMap<>();
        changed = new HashSet<>();
        idleness = new HashMap<>();
        idleChecks = new HashMap<>();
        MetricGroup g = getMetricGroup();
        steps = g.counter("steps");
        stepsPerSecond = g.meter("stepsPerSecond", new MeterView(steps));
        images = g.counter("imagesTrained");
        imagesPerSecond = g.meter("imagesPerSecond", new MeterView(images));
        rejectedInputs = g.counter("rejectedInputs");
        settingsRejected = g.counter("catalogSettingsRejected");
        releases = g.counter("modelReleases");
        // every restored catalog is checked against the settings now, once, before any input: an
        // incompatible state fails the job here or starts a new lineage, never on each retry
        getKeyedStateBackend().applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, descriptor,
                (catalog, state) -> {
                    byte[] saved = state.value();
                    if (saved != null) {
                        restoreTrainer((String) catalog, saved);
                    }
                });
    }

    /** The current key must be the catalog (applyToAllKeys sets it, as processElement does). */
    private CatalogTrainer restoreTrainer(String catalog, byte[] saved) throws Exception {
        SettingsStamp stamp = stamps.value();
        applied.put(catalog, stamp == null ? SettingsStamp.jobFlags() : stamp);
        Long rejectedRevision = rejectedRevisions.value();
        if (rejectedRevision != null) {
            rejected.put(catalog, rejectedRevision);
        }
        CatalogTrainer trainer;
        try {
            trainer = CatalogTrainer.restore(catalog, settings.trainer(applied.get(catalog).settings), saved);
        } catch (IncompatibleStateException e) {
            // the same state would meet the same settings on every restart: tell Flink not to retry
            LOG.error("{}", e.getMessage());
            throw new SuppressRestartsException(e);
        } catch (RuntimeException e) {
            Optional<UnrecoverableBackboneFile> file = UnrecoverableBackboneFile.in(e);
            if (file.isEmpty()) {
                throw e; // possibly transient (an I/O error while reading a file): Flink's restart strategy retries
            }
            // every restart would restore the same checkpoint and meet the same file: stop once, say why
            String message = "catalog '" + catalog + "': cannot restore its model under " + applied.get(catalog)
                    + ": " + file.get().problem() + ". Put the file the model was built from back at "
                    + file.get().file() + " and restart the job from this checkpoint";
            LOG.error("{}", message);
            throw new SuppressRestartsException(new IllegalStateException(message, e));
        }
        trainers.put(catalog, trainer);
        registerCatalogMetrics(catalog);
        if (trainer.startedNewLineage()) {
            changed.add(catalog);
        } else {
            LOG.info("catalog {}: resumed at version {} step {}", catalog, trainer.version(), trainer.steps());
        }
        return trainer;
    }

    @Override
    public void processElement(StreamRecord<TrainerInput> element) throws Exception {
        TrainerInput in = element.getValue();
        String catalog = (String) getCurrentKey();
        CatalogTrainer trainer = trainerFor(catalog, in.settingsStamp());
        if (trainer == null) {
            // a new catalog whose settings were rejected has no model to train, evaluate or delete from
            if (in.kind == TrainerInput.BATCH || in.kind == TrainerInput.HELD_OUT) {
                rejectedInputs.inc();
            }
            return;
        }
        if (in.settingsRevision > newestRevisionTried(catalog)) {
            trainer = applySettings(trainer, in.settingsStamp());
        }
        if (in.kind == TrainerInput.CATALOG_SEEN) {
            return; // trainerFor published version 0 if the catalog was new
        }
        if (in.kind == TrainerInput.DELETE) {
            if (trainer.removeHeldOut(in.itemId)) {
                changed.add(catalog);
            }
            return;
        }
        try {
            if (in.kind == TrainerInput.HELD_OUT) {
                trainer.addHeldOut(in);
            } else {
                StepResult r = trainer.train(in);
                steps.inc();
                images.inc(in.count());
                if (!Float.isFinite(r.loss())) {
                    LOG.warn("catalog {}: non-finite loss at step {}", catalog, r.step());
                }
            }
        } catch (IllegalArgumentException e) {
            // the decoder checks shapes; reaching here means a misconfigured job, not bad input, but
            // it must not restart the job either
            rejectedInputs.inc();
            LOG.warn("catalog {}: input dropped: {}", catalog, e.getMessage());
            return;
        }
        changed.add(catalog);
        long now = getProcessingTimeService().getCurrentProcessingTime();
        StreamIdleness idle = publishWhenIdleMillis > 0
                ? idleness.computeIfAbsent(catalog, c -> new StreamIdleness(Duration.ofMillis(publishWhenIdleMillis)))
                : null;
        if (idle != null && in.kind != TrainerInput.HELD_OUT) {
            idle.stepped(now);
        }
        if (trainer.publishDue(now)) {
            publish(trainer, now);
        } else if (trainer.hasUnpublishedSteps()) {
            timers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, trainer.publishDeadline());
            if (trainer.unpublishedSteps() >= MIN_IDLE_STEPS) {
                checkIdleLater(catalog, idle);
            }
        }
    }

    /**
     * One pending idle check per catalog: a later step moves the idle time on, the check then looks again.
     * None before a step was seen here (steps restored unpublished wait for the deadline).
     */
    private void checkIdleLater(String catalog, StreamIdleness idle) {
        if (idle != null && idle.idleAt() >= 0 && !idleChecks.containsKey(catalog)) {
            long at = idle.idleAt();
            idleChecks.put(catalog, at);
            timers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, at);
        }
    }

    /**
     * Every timer of a catalog lands here: the publish deadline of unpublished steps, the end of the
     * minimum refresh interval when a candidate was held back only by it, and the idle check. Timers are
     * not state of the catalog's trainer, but Flink keeps them in the checkpoint, so a restored job still
     * fires them (a restored idle check finds no idleness known and leaves the steps to the deadline).
     */
    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        String catalog = timer.getKey();
        CatalogTrainer trainer = trainerFor(catalog, null);
        if (trainer == null) {
            return; // not expected: timers are set for catalogs with a model only
        }
        long now = getProcessingTimeService().getCurrentProcessingTime();
        Long idleCheck = idleChecks.get(catalog);
        if (idleCheck != null && idleCheck <= now) {
            idleChecks.remove(catalog);
        }
        StreamIdleness idle = idleness.get(catalog);
        boolean idleDue = idle != null && trainer.unpublishedSteps() >= MIN_IDLE_STEPS && idle.idle(now);
        if (trainer.publishDue(now) || trainer.promotionRetryDue(now) || idleDue) {
            if (idleDue && !trainer.publishDue(now)) {
                LOG.debug("catalog {}: no batch since the stream went idle, publishing step {}", catalog,
                        trainer.steps());
            }
            publish(trainer, now, idleDue);
            changed.add(catalog);
        } else if (trainer.unpublishedSteps() >= MIN_IDLE_STEPS) {
            checkIdleLater(catalog, idle);
        }
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) {
        // training is driven by arrival, not event time
    }

    private void publish(CatalogTrainer trainer, long now) {
        publish(trainer, now, false);
    }

    private void publish(CatalogTrainer trainer, long now, boolean streamIdle) {
        emit(trainer.publish(now, streamIdle));
        long retryAt = trainer.promotionRetryAt();
        if (retryAt >= 0) {
            timers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, retryAt);
        }
    }

    private void emit(ModelRelease release) {
        releases.inc();
        output.collect(new StreamRecord<>(release));
    }

    /**
     * The catalog's trainer; a new catalog's is created under {@code stamp} (its first input's settings) and
     * publishes version 0. Null when a new catalog's settings cannot be built ({@code CatalogTrainer.create}
     * throws: a backbone file gone since the decoder checked it, say) or were rejected before: the revision is
     * rejected as in {@link #applySettings}, and the next input stamped with a newer revision tries again.
     */
    private CatalogTrainer trainerFor(String catalog, SettingsStamp stamp) throws Exception {
        CatalogTrainer trainer = trainers.get(catalog);
        if (trainer == null) {
            byte[] saved = snapshots.value();
            if (saved != null) {
                // state of a key this subtask did not hold at open(); not expected, but handled alike
                return restoreTrainer(catalog, saved);
            }
            SettingsStamp first = stamp == null ? SettingsStamp.jobFlags() : stamp;
            // from keyed state, not the map: a catalog without a model has no snapshot, so a restore's open() did
            // not see it
            Long rejectedRevision = rejectedRevisions.value();
            if (rejectedRevision != null && first.revision <= rejectedRevision) {
                return null;
            }
            long now = getProcessingTimeService().getCurrentProcessingTime();
            try {
                trainer = CatalogTrainer.create(catalog, settings.trainer(first.settings), now);
            } catch (RuntimeException e) {
                // Not the job's flags instead: the record asked for another network and preprocessing (its
                // samples were decoded to its C x S x S), a model of the flags would be published and served as
                // the catalog's version 0, and the corrected record would then start a new lineage over a model
                // nobody asked for. Without a model the catalog waits; its first revision that builds is version 0.
                reject(catalog, first, e, "the catalog has no model and its samples are dropped until a newer "
                        + "revision builds");
                return null;
            }
            trainers.put(catalog, trainer);
            applied.put(catalog, first);
            stamps.update(first);
            registerCatalogMetrics(catalog);
            // cold start: the initial model serves the catalog until a trained one is promoted; its
            // state goes into the next Flink checkpoint, so a restore does not publish a second version 0
            emit(trainer.publishColdStart(now));
            changed.add(catalog);
            LOG.info("catalog {}: new, published its initial model as version 0 (cold start)", catalog);
        }
        return trainer;
    }

    /** The applied revision, or a newer one that was rejected: inputs stamped with either are not applied again. */
    private long newestRevisionTried(String catalog) {
        return Math.max(applied.get(catalog).revision, rejected.getOrDefault(catalog, -1L));
    }

    /**
     * Rebuilds the catalog's trainer from its own snapshot under newer settings (see the class comment);
     * returns the trainer that goes on. Settings that cannot be applied (their rebuild throws: a backbone file
     * gone since the decoder checked it, say) leave the catalog as it was, logged and counted
     * ({@code catalogSettingsRejected}), and are not tried again, after a restore neither.
     */
    private CatalogTrainer applySettings(CatalogTrainer current, SettingsStamp stamp) throws Exception {
        String catalog = current.catalog();
        CatalogTrainer next;
        try {
            // a live change never fails the job: a shape change starts a new lineage, whatever the restore flag;
            // the restore keeps the held-out items whose stored images still fit the new C x S x S
            TrainerSettings after = settings.trainer(stamp.settings);
            next = CatalogTrainer.rebuild(catalog, after.withOnIncompatibleState(IncompatibleStatePolicy.NEW_LINEAGE),
                    current.snapshot());
        } catch (RuntimeException e) {
            // the saved stamp stays the one the model trains under: were it the rejected one, a restore would
            // meet the old model with settings it does not fit and stop the job for good
            reject(catalog, stamp, e, "it trains on under " + applied.get(catalog));
            return current;
        }
        applied.put(catalog, stamp);
        stamps.update(stamp);
        current.close();
        trainers.put(catalog, next);
        changed.add(catalog);
        long now = getProcessingTimeService().getCurrentProcessingTime();
        if (next.startedNewLineage()) {
            LOG.info("catalog {}: settings {} change the model's shape: new lineage, published at once", catalog,
                    stamp);
            publish(next, now);
        } else {
            LOG.info("catalog {}: settings {} apply from the next batch (same model, step {})", catalog, stamp,
                    next.steps());
        }
        return next;
    }

    /**
     * Remembers {@code stamp}'s revision as rejected (keyed state: a restore does not try it again), counts it
     * ({@code catalogSettingsRejected}) and logs the catalog, the revision and the cause. The current key must be
     * the catalog.
     */
    private void reject(String catalog, SettingsStamp stamp, RuntimeException cause, String consequence)
            throws Exception {
        rejected.put(catalog, stamp.revision);
        rejectedRevisions.update(stamp.revision);
        settingsRejected.inc();
        LOG.error("catalog {}: settings {} rejected, {}: {}", catalog, stamp, consequence, cause.getMessage(), cause);
    }

    /** Gauges read the catalog's current trainer: settings may replace it. */
    private void registerCatalogMetrics(String catalog) {
        MetricGroup g = getMetricGroup().addGroup("catalog", catalog);
        java.util.function.Supplier<CatalogTrainer> t = () -> trainers.get(catalog);
        g.gauge("loss", (Gauge<Double>) () -> t.get().lastStep() == null ? Double.NaN : t.get().lastStep().loss());
        g.gauge("syntheticShare", (Gauge<Double>) () -> t.get().lastStep() == null ? Double.NaN
                : t.get().lastStep().syntheticShare());
        g.gauge("stepMillis", (Gauge<Double>) () -> t.get().lastStep() == null ? Double.NaN
                : t.get().lastStep().millis());
        g.gauge("trainingStep", (Gauge<Long>) () -> t.get().steps());
        g.gauge("modelVersion", (Gauge<Long>) () -> t.get().version());
        g.gauge("trainedVersion", (Gauge<Long>) () -> t.get().version());
        g.gauge("promotedVersion", (Gauge<Long>) () -> t.get().promotedVersion());
        g.gauge("versionsPromoted", (Gauge<Long>) () -> t.get().promotions());
        g.gauge("versionsNotPromoted", (Gauge<Long>) () -> t.get().rejections());
        g.gauge("heldOutItems", (Gauge<Integer>) () -> t.get().heldOutSize());
        g.gauge("heldOutRecallAt1", (Gauge<Double>) () -> t.get().lastEvaluation().getOrDefault("r_at_1",
                Double.NaN));
        g.gauge("freshnessP50Millis", (Gauge<Long>) () -> t.get().lastFreshness().percentileMillis(0.5));
        g.gauge("freshnessP99Millis", (Gauge<Long>) () -> t.get().lastFreshness().percentileMillis(0.99));
        g.gauge("heldOutNmi", (Gauge<Double>) () -> t.get().lastEvaluation().getOrDefault("nmi", Double.NaN));
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        for (String catalog : changed) {
            setCurrentKey(catalog);
            snapshots.update(trainers.get(catalog).snapshot());
        }
        changed.clear();
    }

    @Override
    public void close() throws Exception {
        if (trainers != null) {
            trainers.values().forEach(CatalogTrainer::close);
            trainers.clear();
        }
        super.close();
    }
}
