package io.streamsynth.operators.train;

import io.streamsynth.model.train.StepResult;
import io.streamsynth.operators.types.ModelRelease;
import io.streamsynth.operators.types.TrainerInput;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
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
 * <p>Each catalog's model lives in memory between events, because writing a megabyte of weights
 * and optimizer moments to state after every step would cost more than the step. Instead the
 * operator writes the snapshot of every catalog that changed into keyed state in
 * {@link #snapshotState}, which Flink calls before it snapshots the keyed state backend: each
 * completed checkpoint holds exactly the model that had seen the input before its barrier, and a
 * restored job resumes from it (on another subtask too, after rescaling, since it is keyed state).
 */
public final class TrainerOperator extends AbstractStreamOperator<ModelRelease>
        implements OneInputStreamOperator<TrainerInput, ModelRelease>, Triggerable<String, VoidNamespace> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TrainerOperator.class);

    private final TrainerSettings settings;

    private transient ValueState<byte[]> snapshots;
    private transient InternalTimerService<VoidNamespace> timers;
    private transient Map<String, CatalogTrainer> trainers;
    private transient Set<String> changed;
    private transient Counter steps;
    private transient Meter stepsPerSecond;
    private transient Counter images;
    private transient Meter imagesPerSecond;
    private transient Counter rejectedInputs;
    private transient Counter releases;

    public TrainerOperator(TrainerSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open() throws Exception {
        super.open();
        ValueStateDescriptor<byte[]> descriptor = new ValueStateDescriptor<>("trainer-snapshot",
                PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
        snapshots = getPartitionedState(descriptor);
        timers = getInternalTimerService("publish", VoidNamespaceSerializer.INSTANCE, this);
        trainers = new HashMap<>();
        changed = new HashSet<>();
        MetricGroup g = getMetricGroup();
        steps = g.counter("steps");
        stepsPerSecond = g.meter("stepsPerSecond", new MeterView(steps));
        images = g.counter("imagesTrained");
        imagesPerSecond = g.meter("imagesPerSecond", new MeterView(images));
        rejectedInputs = g.counter("rejectedInputs");
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

    private CatalogTrainer restoreTrainer(String catalog, byte[] saved) {
        CatalogTrainer trainer;
        try {
            trainer = CatalogTrainer.restore(catalog, settings, saved);
        } catch (IncompatibleStateException e) {
            // the same state would meet the same settings on every restart: tell Flink not to retry
            LOG.error("{}", e.getMessage());
            throw new SuppressRestartsException(e);
        }
        trainers.put(catalog, trainer);
        registerCatalogMetrics(trainer);
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
        CatalogTrainer trainer = trainerFor(catalog);
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
        if (trainer.publishDue(now)) {
            publish(trainer, now);
        } else if (trainer.hasUnpublishedSteps()) {
            timers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, trainer.publishDeadline());
        }
    }

    /**
     * Both timers of a catalog land here: the publish deadline of unpublished steps, and the end of the
     * minimum refresh interval when a candidate was held back only by it. Timers are not state of the
     * catalog's trainer, but Flink keeps them in the checkpoint, so a restored job still fires them.
     */

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        CatalogTrainer trainer = trainerFor(timer.getKey());
        long now = getProcessingTimeService().getCurrentProcessingTime();
        if (trainer.publishDue(now) || trainer.promotionRetryDue(now)) {
            publish(trainer, now);
            changed.add(trainer.catalog());
        }
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) {
        // training is driven by arrival, not event time
    }

    private void publish(CatalogTrainer trainer, long now) {
        emit(trainer.publish(now));
        long retryAt = trainer.promotionRetryAt();
        if (retryAt >= 0) {
            timers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, retryAt);
        }
    }

    private void emit(ModelRelease release) {
        releases.inc();
        output.collect(new StreamRecord<>(release));
    }

    private CatalogTrainer trainerFor(String catalog) throws Exception {
        CatalogTrainer trainer = trainers.get(catalog);
        if (trainer == null) {
            byte[] saved = snapshots.value();
            if (saved != null) {
                // state of a key this subtask did not hold at open(); not expected, but handled alike
                return restoreTrainer(catalog, saved);
            }
            long now = getProcessingTimeService().getCurrentProcessingTime();
            trainer = CatalogTrainer.create(catalog, settings, now);
            trainers.put(catalog, trainer);
            registerCatalogMetrics(trainer);
            // cold start: the initial model serves the catalog until a trained one is promoted; its
            // state goes into the next Flink checkpoint, so a restore does not publish a second version 0
            emit(trainer.publishColdStart(now));
            changed.add(catalog);
            LOG.info("catalog {}: new, published its initial model as version 0 (cold start)", catalog);
        }
        return trainer;
    }

    private void registerCatalogMetrics(CatalogTrainer t) {
        MetricGroup g = getMetricGroup().addGroup("catalog", t.catalog());
        g.gauge("loss", (Gauge<Double>) () -> t.lastStep() == null ? Double.NaN : t.lastStep().loss());
        g.gauge("syntheticShare", (Gauge<Double>) () -> t.lastStep() == null ? Double.NaN
                : t.lastStep().syntheticShare());
        g.gauge("stepMillis", (Gauge<Double>) () -> t.lastStep() == null ? Double.NaN : t.lastStep().millis());
        g.gauge("trainingStep", (Gauge<Long>) t::steps);
        g.gauge("modelVersion", (Gauge<Long>) t::version);
        g.gauge("trainedVersion", (Gauge<Long>) t::version);
        g.gauge("promotedVersion", (Gauge<Long>) t::promotedVersion);
        g.gauge("versionsPromoted", (Gauge<Long>) t::promotions);
        g.gauge("versionsNotPromoted", (Gauge<Long>) t::rejections);
        g.gauge("heldOutItems", (Gauge<Integer>) t::heldOutSize);
        g.gauge("heldOutRecallAt1", (Gauge<Double>) () -> t.lastEvaluation().getOrDefault("r_at_1", Double.NaN));
        g.gauge("freshnessP50Millis", (Gauge<Long>) () -> t.lastFreshness().percentileMillis(0.5));
        g.gauge("freshnessP99Millis", (Gauge<Long>) () -> t.lastFreshness().percentileMillis(0.99));
        g.gauge("heldOutNmi", (Gauge<Double>) () -> t.lastEvaluation().getOrDefault("nmi", Double.NaN));
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
