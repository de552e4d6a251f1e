package io.streamsynth.operators.embed;

import io.streamsynth.model.checkpoint.CheckpointCodec;
import io.streamsynth.model.checkpoint.CheckpointMetadata;
import io.streamsynth.model.checkpoint.Sha256;
import io.streamsynth.operators.types.DeadLetter;
import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.ItemEmbedding;
import io.streamsynth.operators.types.ItemKey;
import io.streamsynth.operators.types.ModelRelease;
import io.streamsynth.operators.types.VersionProgress;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedder: input 1 is keyed by item ({@link ImageSample#itemKey}), input 2 carries every model
 * release broadcast to all subtasks. It keeps each item's newest image in keyed state, embeds a new
 * image with its catalog's newest model, and re-embeds every stored item of a catalog when a new
 * version arrives (a version superseded during its pass is skipped for the items the pass had not
 * reached; the newer version's pass covers them).
 *
 * <p><b>Updates and deletes.</b> A new image of a stored item replaces the stored one, takes the
 * next {@link ImageSample#revision} and is embedded at the newest version; an older image of it
 * still waiting in the batch is dropped, and the running pass leaves the item out (it is embedded
 * already). A delete clears the item's state, drops it from the waiting batch and from the running
 * pass (whose slices read the state, so a deleted item is never embedded again), and emits a
 * tombstone, once: a delete of an item that is not stored (never seen, or deleted already) emits
 * nothing and counts in {@code deletesOfUnknownItems}. A later image of the item starts a new life
 * at revision 1.
 *
 * <p><b>Ordering contract.</b> Per item, the records this operator emits in one life of the item
 * carry strictly increasing (model_version, item_revision), compared in that order, and the life
 * ends with a tombstone if the item is deleted. Versions only grow (an older release is ignored and
 * the waiting batch is embedded before a newer version is loaded), a new image raises the revision
 * at the newest version, and a pass embeds the stored (newest) image at a newer version than any
 * record of the item so far. The state that decides it (the image with its revision, the waiting
 * batch, the pending pass) is checkpointed and moves with the item's key group on a rescale, and the
 * sink is transactional, so restarts and rescales keep the contract.
 *
 * <p>The re-embedding pass runs in slices of a few batches, each scheduled as a processing-time
 * callback, so records, timers and checkpoint barriers are processed between slices instead of
 * waiting for the whole catalog; new items go first ({@link RefreshSchedule}: a slice due while records
 * queue waits for them, up to three times its own duration). The keys still to do are operator state (a
 * union list, filtered to this subtask's key groups on restore so that rescaling keeps every key exactly
 * once).
 *
 * <p><b>Pacing</b> ({@link EmbedderSettings#refreshPauseFactor} k above 0): after a catalog's pass that
 * took D, its next pass starts no sooner than k x D after it ended ({@link RefreshPacing}), so passes
 * take at most 1/(k+1) of the subtask's time and leave the rest to the trainer on a shared machine. A
 * version that arrives while the catalog's pass runs or pauses waits; a newer one replaces it (the one
 * replaced is reported superseded), so each pass serves the newest version promoted when it starts.
 * New items are embedded meanwhile with the served version. So the subtasks of one job may serve
 * different versions, while broadcast state (the served and the waiting version) is restored from a
 * single old subtask's copy: each subtask therefore checkpoints the version its key groups are served at
 * ({@link ServedKeyGroups}), and on restore serves the newest version it knows (a waiting one at once) to
 * the key groups behind it, and only to them, whichever copy it got. A catalog's first version never waits, and
 * neither does a version of a catalog whose input here has been quiet for {@link #INPUT_IDLE_MILLIS}: the pause
 * leaves the cores to the trainer and to new items, and a stream that stopped has neither to come, so its
 * last version is served at once instead of after the pause (docs/BENCHMARKS.md section 10: 174 s from
 * publication to complete for the last version of a stopped stream, the embedder idle for part of it).
 *
 * <p>New images wait in a small in-memory batch (at most {@code batchSize} items or
 * {@code maxDelay}) so inference runs batched. That batch is operator state too: a checkpoint taken
 * while items wait keeps them, and a restored job embeds them, so none is lost or embedded twice.
 *
 * <p><b>Version reports.</b> On the side output {@link #VERSION_PROGRESS} each subtask reports, once
 * per catalog and version, for the key groups it holds: "complete" when its pass at that version is
 * through (at once when it holds no item of the catalog), with the live items per key group, after
 * the embeddings it covers were emitted (the waiting batch is flushed first); or "superseded" when a
 * newer version arrives while the pass still runs. What is still owed is checkpointed per key group
 * ({@link OwedReports}), so after a restore or a rescale the new owner of a key group reports it.
 * {@link io.streamsynth.operators.versions.VersionMarkers} joins the reports into one marker per version.
 *
 * <p><b>Non-finite embeddings.</b> An item whose embedding holds NaN or an infinity is not emitted: it
 * goes to {@link #DEAD_LETTERS} (reason {@value NonFiniteEmbeddings#REASON}, see {@link NonFiniteEmbeddings}),
 * once per image and version, and is counted in {@code nonFiniteEmbeddings}. It is done for that version
 * all the same (the pass goes on, nothing retries it), but it was not published, so it is marked in keyed
 * state ({@link #UNPUBLISHED}) and left out of the live items of the version's "complete" report: a
 * marker's {@code items} counts the records a consumer can read at the version. The mark goes when the
 * item embeds finitely (a new image, a newer version) or is deleted.
 *
 * <p>Its parts: {@link ServedModels} (which model serves each catalog, restored from broadcast
 * state), {@link EmbedderOperatorState} (the union-list state above, restored per {@link SubtaskKeys}),
 * {@link RefreshPasses}, {@link OwedReports} with {@link VersionReporting} (when a report goes out),
 * {@link RefreshSchedule} (the flush and slice callbacks) and {@link EmbedderGauges}; the batched
 * inference itself is {@link CatalogModels#embed}.
 *
 * <p>Metrics: counters {@code itemsReceived}, {@code embeddingsOut}, {@code itemsReembedded},
 * {@code itemsDeleted} (tombstones emitted), {@code deletesOfUnknownItems}, {@code nonFiniteEmbeddings}; gauges
 * {@code itemsStored} and {@code embeddingLag} per catalog and summed ({@link EmbedderGauges}),
 * {@code lastReembedMillis}, {@code refreshYieldedMillis} (time slices waited for new items, in all).
 */
public final class ItemEmbedder extends AbstractStreamOperator<ItemEmbedding>
        implements TwoInputStreamOperator<ImageSample, ModelRelease, ItemEmbedding> {
    private static final long serialVersionUID = 2L;
    private static final Logger LOG = LoggerFactory.getLogger(ItemEmbedder.class);
    /**
     * A catalog whose last item or deletion reached this subtask this long ago (processing time) counts as idle,
     * and a waiting version of it no longer waits for the pause: as the trainer's {@code --publish-when-idle}
     * default, far above the gaps between records of a running stream.
     */
    static final long INPUT_IDLE_MILLIS = 2000;

    /**
     * Newest encoded checkpoint per catalog, weights only ({@link ModelRelease#weightsOnly}) since the
     * job sends no optimizer state here; broadcast state, so every subtask holds and restores it.
     */
    public static final MapStateDescriptor<String, byte[]> MODELS = new MapStateDescriptor<>("models",
            BasicTypeInfo.STRING_TYPE_INFO, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
    /**
     * Per catalog, {@link ModelRelease#checkpointSha256} of the model in {@link #MODELS}: the stored
     * copy may lack the optimizer section, so its own digest would not name the topic's checkpoint.
     * State from before this entry has none; its {@link #MODELS} bytes are then the whole checkpoint.
     */
    static final MapStateDescriptor<String, String> MODEL_DIGESTS = new MapStateDescriptor<>("model-digests",
            BasicTypeInfo.STRING_TYPE_INFO, BasicTypeInfo.STRING_TYPE_INFO);
    /** Per catalog, the promoted version waiting for the pause after the last pass (pacing only). */
    static final MapStateDescriptor<String, ModelRelease> DEFERRED = new MapStateDescriptor<>("deferred-releases",
            BasicTypeInfo.STRING_TYPE_INFO, TypeInformation.of(ModelRelease.class));
    static final ValueStateDescriptor<ImageSample> ITEM = new ValueStateDescriptor<>("item",
            TypeInformation.of(ImageSample.class));
    /** Per catalog and version, what this subtask's key groups have done: see "Version reports" above. */
    public static final OutputTag<VersionProgress> VERSION_PROGRESS = new OutputTag<>("version-progress",
            TypeInformation.of(VersionProgress.class));
    /** Items whose embedding holds NaN or an infinity: see "Non-finite embeddings" above. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("embedder-dead-letters",
            TypeInformation.of(DeadLetter.class));
    /**
     * Per item, the model version whose embedding of its stored image was not finite, so that the item
     * was not published at it; absent for every other item.
     */
    static final ValueStateDescriptor<Long> UNPUBLISHED = new ValueStateDescriptor<>("non-finite-at-version",
            BasicTypeInfo.LONG_TYPE_INFO);

    private final EmbedderSettings settings;

    private transient ValueState<ImageSample> item;
    private transient ValueState<Long> unpublished;
    /**
     * The keys {@link #UNPUBLISHED} holds (few: an item needs an odd image or an odd model to get there),
     * read from state when the operator opens, so that the common finite embedding touches no state.
     */
    private transient Set<String> unpublishedKeys;
    private transient SubtaskKeys subtask;
    private transient BroadcastState<String, byte[]> newest;
    private transient BroadcastState<String, String> newestDigests;
    private transient BroadcastState<String, ModelRelease> deferred;
    private transient RefreshPacing pacing;
    /**
     * Per catalog, waiting versions a newer one replaced while the served version's pass ran: reported
     * superseded when that pass is through. Checkpointed as owed reports ({@link #skippedReports}), which a
     * restore reports superseded.
     */
    private transient Map<String, List<ModelRelease>> skipped;
    /** When each catalog's last item or deletion reached this subtask (processing time); not checkpointed. */
    private transient Map<String, Long> lastInputAt;
    private transient EmbedderOperatorState operatorState;
    private transient ServedModels served;
    /** New images waiting to be embedded, by item key: a newer image of an item replaces the older. */
    private transient Map<String, ImageSample> waiting;
    /**
     * Per catalog without a model yet, the stored items that wait for one (the first version's pass
     * embeds them); part of {@code embeddingLag}. Not state of its own: counted from the item state
     * when the operator opens (so a restored or rescaled subtask counts the items it holds), then kept
     * up to date as items arrive and go.
     */
    private transient Map<String, Integer> unmodelled;
    private transient RefreshPasses passes;
    private transient OwedReports reports;
    /** The version each key group held here is served at, per catalog (see {@link #catchUpAfterRestore}). */
    private transient ServedKeyGroups servedGroups;
    private transient VersionReporting reporting;
    private transient RefreshSchedule schedule;
    private transient long passStartNanos;
    private transient long lastReembedMillis;
    private transient EmbedderGauges gauges;
    private transient Counter itemsReceived;
    private transient Counter embeddings;
    private transient Counter refreshed;
    private transient Counter deleted;
    private transient Counter unknownDeletes;
    private transient Counter nonFinite;

    public ItemEmbedder(EmbedderSettings settings) {
        this.settings = settings;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        var store = context.getOperatorStateStore();
        subtask = SubtaskKeys.of(getRuntimeContext().getTaskInfo());
        newest = store.getBroadcastState(MODELS);
        newestDigests = store.getBroadcastState(MODEL_DIGESTS);
        deferred = store.getBroadcastState(DEFERRED);
        operatorState = new EmbedderOperatorState(store);
        waiting = operatorState.restoreWaiting(subtask);
        passes = operatorState.restorePasses(subtask);
        reports = operatorState.restoreReports(subtask);
        servedGroups = operatorState.restoreServed(subtask);
    }

    @Override
    public void open() throws Exception {
        super.open();
        item = getPartitionedState(ITEM);
        unpublished = getPartitionedState(UNPUBLISHED);
        unpublishedKeys = new HashSet<>();
        try (Stream<?> keys = getKeyedStateBackend().<VoidNamespace>getKeys(UNPUBLISHED.getName(), VoidNamespace.INSTANCE)) {
            keys.forEach(k -> unpublishedKeys.add((String) k));
        }
        ai.djl.Device device = settings.device().resolve();
        LOG.info("embedding on {} (requested {})", device, settings.device());
        served = new ServedModels(new CatalogModels(device, settings.scriptedBackbone()), newest, newestDigests);
        MetricGroup g = getMetricGroup();
        itemsReceived = g.counter("itemsReceived");
        embeddings = g.counter("embeddingsOut");
        refreshed = g.counter("itemsReembedded");
        deleted = g.counter("itemsDeleted");
        unknownDeletes = g.counter("deletesOfUnknownItems");
        nonFinite = g.counter("nonFiniteEmbeddings");
        g.meter("embeddingsPerSecond", new MeterView(embeddings));
        unmodelled = new HashMap<>();
        g.gauge("lastReembedMillis", (Gauge<Long>) () -> lastReembedMillis);
        g.gauge("refreshYieldedMillis", (Gauge<Long>) () -> schedule.yieldedMillis());
        gauges = new EmbedderGauges(g);
        // an unusable model's version is never through here: the next version supersedes it
        // an item not published at the served version is no live item of its report (see UNPUBLISHED)
        reporting = new VersionReporting(reports, subtask, c -> passes.isRunning(c) || served.isUnusable(c),
                () -> storedKeys().filter(k -> !unpublishedKeys.contains(k)), this::flush,
                progress -> output.collect(VERSION_PROGRESS, new StreamRecord<>(progress)));
        schedule = new RefreshSchedule(getProcessingTimeService(), settings.maxDelay().toMillis(), this::flush,
                () -> {
                    runSlice();
                    reporting.reportAllThrough();
                }, () -> !passes.isEmpty());
        try (Stream<String> keys = storedKeys()) {
            for (Map.Entry<String, Long> stored : gauges.countStored(keys).entrySet()) {
                if (newest.get(stored.getKey()) == null) {
                    unmodelled.put(stored.getKey(), Math.toIntExact(stored.getValue()));
                }
            }
        }
        if (!waiting.isEmpty()) {
            schedule.flushLater();
        }
        pacing = new RefreshPacing(settings.refreshPauseFactor());
        skipped = new HashMap<>();
        lastInputAt = new HashMap<>();
        Set<String> modelled = new LinkedHashSet<>();
        newest.entries().forEach(e -> modelled.add(e.getKey()));
        deferred.entries().forEach(e -> modelled.add(e.getKey()));
        for (String catalog : modelled) {
            catchUpAfterRestore(catalog);
        }
        gauges.lag(waiting.values(), passes, unmodelled);
        // restored reports whose pass is through (or whose items all moved here done) go out then
        if (!passes.isEmpty() || !reports.isEmpty()) {
            passStartNanos = System.nanoTime();
            schedule.sliceSoon();
        }
    }

    @Override
    public void processElement1(StreamRecord<ImageSample> element) throws Exception {
        lastInputAt.put(element.getValue().catalog, getProcessingTimeService().getCurrentProcessingTime());
        try {
            receive(element.getValue());
        } finally {
            // after the record's work (a full batch's inference included): a slice due meanwhile yields
            schedule.inputSeen();
        }
    }

    private void receive(ImageSample sample) throws Exception {
        String key = (String) getCurrentKey();
        ImageSample stored = item.value();
        if (sample.deleted) {
            delete(sample, key, stored);
            return;
        }
        itemsReceived.inc();
        sample.revision = stored == null ? 1 : stored.revision + 1;
        // the catalog's settings record is for the batch builder and trainer; the served model carries the
        // preprocessing, so the item's state need not hold the record's bytes
        sample.settings = null;
        item.update(sample);
        if (stored == null) {
            gauges.itemAdded(sample.catalog);
        }
        if (!served.has(sample.catalog)) {
            if (stored == null) {
                unmodelled.merge(sample.catalog, 1, Integer::sum);
                gauges.lag(waiting.values(), passes, unmodelled);
            }
            return; // embedded by the pass that the catalog's first model starts
        }
        boolean leftPass = passes.arrived(sample.catalog, key);
        waiting.put(key, sample);
        if (waiting.size() >= settings.batchSize()) {
            flush();
        } else {
            schedule.flushLater();
            gauges.lag(waiting.values(), passes, unmodelled);
        }
        if (leftPass) {
            reporting.reportIfThrough(sample.catalog);
            passProgressed(sample.catalog);
        }
    }

    /** Removes the item from every state here and emits its tombstone; nothing for an item not stored. */
    private void delete(ImageSample deletion, String key, ImageSample stored) throws Exception {
        if (stored == null) {
            unknownDeletes.inc();
            return;
        }
        item.clear();
        if (unpublishedKeys.remove(key)) {
            unpublished.clear();
        }
        if (!served.has(stored.catalog)) {
            unmodelled.computeIfPresent(stored.catalog, (c, n) -> n > 1 ? n - 1 : null);
        }
        waiting.remove(key);
        boolean leftPass = passes.arrived(stored.catalog, key);
        gauges.itemDeleted(stored.catalog);
        gauges.lag(waiting.values(), passes, unmodelled);
        output.collect(new StreamRecord<>(ItemEmbedding.tombstone(deletion.catalog, deletion.itemId)));
        deleted.inc();
        if (leftPass) {
            reporting.reportIfThrough(stored.catalog);
            passProgressed(stored.catalog);
        }
    }

    @Override
    public void processElement2(StreamRecord<ModelRelease> element) throws Exception {
        ModelRelease release = element.getValue();
        CatalogModels.Loaded current = served.loaded(release.catalog);
        if (current != null && current.version() >= release.version) {
            return;
        }
        if (pacing.enabled() && current != null && mustWait(release)) {
            return;
        }
        serve(release);
        schedule.sliceSoon();
    }

    /**
     * Under pacing, keeps {@code release} as the catalog's waiting version when its pass runs or pauses;
     * returns false when the release may be served now. A waiting version it replaces is reported superseded.
     */
    private boolean mustWait(ModelRelease release) throws Exception {
        String catalog = release.catalog;
        ModelRelease before = deferred.get(catalog);
        if (before != null && before.version >= release.version) {
            return true;
        }
        long now = getProcessingTimeService().getCurrentProcessingTime();
        boolean running = passes.isRunning(catalog);
        if (before == null && !running && (now >= pacing.nextStartAt(catalog) || now >= inputIdleFrom(catalog))) {
            return false;
        }
        if (before != null) {
            skipped.computeIfAbsent(catalog, c -> new ArrayList<>()).add(before);
            if (!running) {
                reportSkipped(catalog);
            }
        }
        deferred.put(catalog, release);
        if (!running) {
            startDeferredAt(catalog, pacing.nextStartAt(catalog));
        }
        return true;
    }

    /**
     * Serves the catalog's waiting version at {@code at} (or at once), unless its pass runs again by then; or
     * earlier, as soon as the catalog's input here has been idle for {@link #INPUT_IDLE_MILLIS}.
     */
    private void startDeferredAt(String catalog, long at) {
        long idleFrom = inputIdleFrom(catalog);
        if (idleFrom >= at) {
            serveWaitingAt(catalog, at);
            return;
        }
        long now = getProcessingTimeService().getCurrentProcessingTime();
        getProcessingTimeService().registerTimer(Math.max(idleFrom, now + 1), t -> {
            if (!deferred.contains(catalog) || passes.isRunning(catalog)) {
                return; // served meanwhile, or its pass runs: the pass's end starts the next wait
            }
            if (t >= inputIdleFrom(catalog)) {
                serveWaiting(catalog);
            } else {
                startDeferredAt(catalog, at); // records came meanwhile: the pause, or a later idle moment
            }
        });
    }

    /**
     * When the catalog's input here counts as idle: its last record plus {@link #INPUT_IDLE_MILLIS}, or
     * {@link Long#MIN_VALUE} when none arrived since this subtask started.
     */
    private long inputIdleFrom(String catalog) {
        Long last = lastInputAt.get(catalog);
        return last == null ? Long.MIN_VALUE : last + INPUT_IDLE_MILLIS;
    }

    private void serveWaitingAt(String catalog, long at) {
        long now = getProcessingTimeService().getCurrentProcessingTime();
        getProcessingTimeService().registerTimer(Math.max(at, now + 1), t -> {
            if (deferred.contains(catalog) && !passes.isRunning(catalog)) {
                serveWaiting(catalog);
            }
        });
    }

    /**
     * On open, brings the key groups this subtask holds to the newest version of the catalog it knows:
     * the waiting version if the restored broadcast state holds one (served at once), else the served
     * one. Broadcast state comes from one old subtask's copy, while under pacing the old subtasks may have
     * served different versions, so which key groups are behind comes from {@link ServedKeyGroups}: their
     * stored items (bar those in the waiting batch, which its flush embeds) join the pass and owe the
     * version's report; the key groups at it already keep their restored pass and report, so that no item
     * is embedded twice at one version. Reports of passes at older versions go out superseded. Before
     * {@link ServedKeyGroups} was checkpointed a restored waiting version was served to every key group
     * and a served one to none, which is still what state without it gets.
     */
    private void catchUpAfterRestore(String catalog) throws Exception {
        ModelRelease waitingRelease = deferred.get(catalog);
        if (waitingRelease != null) {
            deferred.remove(catalog);
            served.serveRestored(waitingRelease); // into the broadcast state too, even when unusable
        }
        byte[] servedCheckpoint = newest.get(catalog);
        CheckpointMetadata metadata = CheckpointCodec.readMetadata(servedCheckpoint);
        long version = metadata.modelVersion();
        KeyGroupRange own = subtask.keyGroups();
        BitSet behind = servedGroups.knows(catalog) ? servedGroups.behind(catalog, version, own)
                : waitingRelease != null ? SubtaskKeys.bits(own) : new BitSet();
        reports.cutBelow(catalog, version);
        if (behind.isEmpty()) {
            servedGroups.served(catalog, version, own);
            return;
        }
        // owed even when the model cannot be rebuilt here: its next version supersedes it, so it gets a marker
        String digest = newestDigests.get(catalog);
        reports.oweAlso(catalog, version, behind, digest != null ? digest : Sha256.hex(servedCheckpoint),
                metadata.weightsSha256());
        CatalogModels.Loaded model = served.loaded(catalog);
        if (model == null) {
            return; // unusable: the key groups stay behind until the next version's pass
        }
        passes.start(catalog,
                storedKeysOf(catalog, k -> behind.get(subtask.keyGroupOf(k)) && !waiting.containsKey(k)));
        unmodelled.remove(catalog);
        if (pacing.enabled() && passes.isRunning(catalog)) {
            pacing.started(catalog, getProcessingTimeService().getCurrentProcessingTime());
        }
        servedGroups.served(catalog, version, own);
    }

    /** Serves the catalog's waiting version now and schedules its pass's first slice. */
    private void serveWaiting(String catalog) throws Exception {
        ModelRelease waitingRelease = deferred.get(catalog);
        deferred.remove(catalog);
        serve(waitingRelease);
        schedule.sliceSoon();
    }

    /**
     * The skipped versions as owed reports of this subtask's key groups, for the checkpoint: a restore cuts
     * them with the older versions, so they still go out superseded, in order, and their markers come.
     */
    private List<OwedReports.Entry> skippedReports() {
        if (skipped.isEmpty()) {
            return List.of();
        }
        int[] groups = subtask.keyGroupArray();
        List<OwedReports.Entry> entries = new ArrayList<>();
        skipped.forEach((catalog, versions) -> versions.forEach(r -> entries.add(new OwedReports.Entry(catalog,
                r.version, groups, 0, r.checkpointDigest(),
                CheckpointCodec.readMetadata(r.checkpoint).weightsSha256()))));
        return entries;
    }

    /**
     * Reports the catalog's skipped versions superseded. Only once the served version's own report is
     * out: the markers settle every version up to a superseded one, so an earlier report would leave the
     * served version without its marker.
     */
    private void reportSkipped(String catalog) {
        List<ModelRelease> versions = skipped.remove(catalog);
        if (versions != null) {
            for (ModelRelease r : versions) {
                reporting.skipped(catalog, r.version, r.checkpointDigest(),
                        CheckpointCodec.readMetadata(r.checkpoint).weightsSha256());
            }
        }
    }

    /** After a pass's keys shrank: when the catalog's pass is through, its pause starts, then a waiting version. */
    private void passProgressed(String catalog) throws Exception {
        if (!pacing.enabled() || passes.isRunning(catalog)) {
            return;
        }
        reportSkipped(catalog); // after reportIfThrough sent the served version's report
        pacing.ended(catalog, getProcessingTimeService().getCurrentProcessingTime());
        if (deferred.contains(catalog)) {
            startDeferredAt(catalog, pacing.nextStartAt(catalog));
        }
    }

    /**
     * Serves the release from now on and starts its pass over the catalog's stored items; the caller
     * runs the slices (schedules them, or runs them itself when the input has ended).
     */
    private void serve(ModelRelease release) throws Exception {
        // items waiting for the previous version get it, so each version covers every item it saw
        flush();
        reporting.reportIfThrough(release.catalog);
        reporting.supersede(release.catalog);
        // versions skipped while this one waited are older: their reports go before any of its own (a pass
        // cut short by the input's end serves it without passProgressed reporting them first)
        reportSkipped(release.catalog);
        served.serve(release);
        unmodelled.remove(release.catalog); // the pass below counts them now
        List<String> items = storedKeysOf(release.catalog, k -> true);
        gauges.stored(release.catalog, items.size());
        passes.start(release.catalog, items);
        CatalogModels.Loaded now = served.current(release.catalog);
        servedGroups.served(release.catalog, now.version(), subtask.keyGroups());
        reports.owe(release.catalog, now.version(), subtask.keyGroups(), now.checkpointSha256(), now.weightsSha256());
        reporting.reportIfThrough(release.catalog);
        gauges.lag(waiting.values(), passes, unmodelled);
        passStartNanos = System.nanoTime();
        if (pacing.enabled()) {
            pacing.started(release.catalog, getProcessingTimeService().getCurrentProcessingTime());
            passProgressed(release.catalog); // a catalog without items here is through at once
        }
    }

    /** The keys of the catalog's items stored here that {@code which} accepts. */
    private List<String> storedKeysOf(String catalog, Predicate<String> which) {
        String prefix = ItemKey.catalogPrefix(catalog);
        try (Stream<String> all = storedKeys()) {
            return all.filter(k -> k.startsWith(prefix) && which.test(k)).toList();
        }
    }

    private Stream<String> storedKeys() {
        return getKeyedStateBackend().<VoidNamespace>getKeys(ITEM.getName(), VoidNamespace.INSTANCE)
                .map(k -> (String) k);
    }

    /** Embeds the next slice of a running pass; returns false when no pass is running. */
    boolean runSlice() throws Exception {
        RefreshPasses.Slice slice = passes.next(settings.batchSize() * settings.batchesPerSlice());
        if (slice == null) {
            return false;
        }
        List<ImageSample> batch = new ArrayList<>(slice.keys().size());
        for (String key : slice.keys()) {
            setCurrentKey(key);
            ImageSample s = item.value();
            // keys are matched by prefix, and a catalog name may hold the separator: check the catalog
            if (s != null && s.catalog.equals(slice.catalog())) {
                batch.add(s);
            }
        }
        CatalogModels.Loaded model = batch.isEmpty() ? null : served.loaded(slice.catalog());
        if (model != null) {
            int published = emit(CatalogModels.embed(model, batch, settings.batchSize()), batch);
            refreshed.inc(batch.size());
            reports.embedded(slice.catalog(), model.version(), published);
        }
        reporting.reportIfThrough(slice.catalog());
        passProgressed(slice.catalog());
        if (passes.isEmpty()) {
            lastReembedMillis = (System.nanoTime() - passStartNanos) / 1_000_000;
        }
        gauges.lag(waiting.values(), passes, unmodelled);
        return true;
    }

    /** Stored items that have no record at the version that embedded them last (see {@link #UNPUBLISHED}). */
    int unpublishedItems() {
        return unpublishedKeys.size();
    }

    /** Stored items still waiting for a running pass. */
    int pendingRefresh() {
        return passes.size();
    }

    private void flush() throws Exception {
        if (waiting.isEmpty()) {
            return;
        }
        Map<String, List<ImageSample>> byCatalog = new LinkedHashMap<>();
        for (ImageSample s : waiting.values()) {
            byCatalog.computeIfAbsent(s.catalog, c -> new ArrayList<>()).add(s);
        }
        waiting.clear();
        gauges.lag(waiting.values(), passes, unmodelled);
        for (Map.Entry<String, List<ImageSample>> e : byCatalog.entrySet()) {
            CatalogModels.Loaded model = served.loaded(e.getKey());
            if (model == null) {
                continue; // stored; the pass of the catalog's next version embeds them
            }
            int published = emit(CatalogModels.embed(model, e.getValue(), settings.batchSize()), e.getValue());
            reports.embedded(e.getKey(), model.version(), published);
        }
    }

    /**
     * Emits the finite embeddings of {@code batch}'s items and dead-letters the others (see "Non-finite
     * embeddings" above); returns how many were emitted.
     */
    private int emit(List<ItemEmbedding> list, List<ImageSample> batch) throws Exception {
        int published = 0;
        ItemEmbedding firstBad = null;
        for (ItemEmbedding e : list) {
            String problem = NonFiniteEmbeddings.problem(e.vector);
            if (problem == null) {
                output.collect(new StreamRecord<>(e));
                published++;
                // the item key is built only while some item is marked: most subtasks never hold one
                if (!unpublishedKeys.isEmpty()) {
                    String key = ItemKey.asString(e.catalog, e.itemId);
                    if (unpublishedKeys.remove(key)) {
                        markUnpublished(key, null);
                    }
                }
                continue;
            }
            ImageSample stored = batch.stream()
                    .filter(s -> s.catalog.equals(e.catalog) && s.itemId.equals(e.itemId)).findFirst().orElseThrow();
            output.collect(DEAD_LETTERS, new StreamRecord<>(NonFiniteEmbeddings.deadLetter(e, stored, problem)));
            String key = ItemKey.asString(e.catalog, e.itemId);
            unpublishedKeys.add(key);
            markUnpublished(key, e.modelVersion);
            firstBad = firstBad == null ? e : firstBad;
        }
        embeddings.inc(published);
        int bad = list.size() - published;
        if (bad > 0) {
            nonFinite.inc(bad);
            // one line per batch, not per item: a model broken for every input would flood the log
            LOG.warn("catalog {}: model version {} embedded {} of {} items to NaN or infinite values (item {} first): "
                    + "dead-lettered as {}, not published", firstBad.catalog, firstBad.modelVersion, bad, list.size(),
                    firstBad.itemId, NonFiniteEmbeddings.REASON);
        }
        return published;
    }

    /**
     * Sets (or with null clears) an item's {@link #UNPUBLISHED} mark. A flush runs inside another item's
     * {@code processElement1}, so the current key is put back afterwards.
     */
    private void markUnpublished(String key, Long version) throws Exception {
        Object current = getCurrentKey();
        setCurrentKey(key);
        try {
            if (version == null) {
                unpublished.clear();
            } else {
                unpublished.update(version);
            }
        } finally {
            if (current != null) {
                setCurrentKey(current);
            }
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        operatorState.snapshot(waiting.values(), passes, reports, skippedReports(), servedGroups);
    }

    /** Bounded input has ended: finish the running passes and the waiting batch before the operator closes. */
    @Override
    public void finish() throws Exception {
        // the input has ended: the waiting versions are the last, served without a pause
        // collected first: serving changes the state being iterated
        List<ModelRelease> last = new ArrayList<>();
        for (Map.Entry<String, ModelRelease> e : deferred.entries()) {
            last.add(e.getValue());
        }
        deferred.clear();
        for (ModelRelease r : last) {
            serve(r);
        }
        flush();
        while (runSlice()) {
            // each slice is bounded; the loop ends when every pass is done
        }
        reporting.reportAllThrough();
        super.finish();
    }

    @Override
    public void close() throws Exception {
        if (served != null) {
            served.close();
        }
        super.close();
    }
}
