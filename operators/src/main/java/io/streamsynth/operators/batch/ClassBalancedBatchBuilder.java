package io.streamsynth.operators.batch;

import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.SettingsStamp;
import io.streamsynth.operators.types.TrainerInput;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a catalog's stream of labelled images into class-balanced P x K training batches, keyed by
 * catalog: an operator for {@code keyBy(catalog).transform(...)}, so that it can keep each
 * catalog's index on the heap between checkpoints (see State).
 *
 * <h2>Batch policy</h2>
 * <ul>
 *   <li><b>Inputs.</b> Samples with {@code train == false} are not buffered (they are only embedded).
 *       Held-out samples are never buffered or trained on: each goes straight to the trainer as a
 *       {@code HELD_OUT} input for its evaluation set. Every other sample is buffered.</li>
 *   <li><b>Updates and deletes.</b> A class holds at most one sample per item: a new image of an
 *       item replaces its buffered sample (in whatever class it was), and a delete, or an image with
 *       {@code train == false}, removes it; the class's newest sample then moves into the freed slot
 *       (see {@link ClassSlots#remove}). A delete of a held-out item goes on to the trainer, which
 *       drops the item from its evaluation set.</li>
 *   <li><b>Buffers.</b> Each class keeps its last {@code maxSamplesPerClass} samples in a ring
 *       buffer: a hot class overwrites its oldest samples (even untrained ones), so memory is
 *       bounded. Each sample is <i>fresh</i> until it is first put in a batch. A catalog keeps at most
 *       {@code maxClasses} classes; a new class beyond that evicts the class that least recently
 *       received a sample. All samples of a catalog must have the shape of its first sample.</li>
 *   <li><b>Trigger.</b> After each buffered sample, one batch is built when at least P classes hold
 *       K or more samples (<i>eligible</i> classes) and the eligible classes hold at least
 *       {@code freshPerBatch} fresh samples (default P*K/2). A class that never reaches K samples is
 *       never eligible and never holds back the others.</li>
 *   <li><b>Classes.</b> The P eligible classes with the most fresh samples; ties are broken by a
 *       seeded random choice. {@link BatchPolicy#replayClassesPerBatch} (default 0) can reserve some
 *       of the P places for eligible classes without fresh samples, drawn uniformly among them.</li>
 *   <li><b>Samples.</b> From each chosen class, its fresh samples newest first, up to K; if fewer
 *       than K are fresh, the rest is a uniformly random choice, without repetition, among the
 *       class's other buffered samples (replay). The fresh samples taken become trained.</li>
 *   <li><b>Layout.</b> Class-major: K samples of the first class, then K of the second, and so on;
 *       the batch records how many samples are fresh and the oldest ingest time among them.</li>
 *   <li><b>Reproducibility.</b> The random choices of batch n of a catalog come from
 *       (seed, catalog, n) alone, and n is kept in state, so a run is reproducible and a job restored
 *       from a checkpoint continues exactly the sequence of batches it would have built.</li>
 * </ul>
 *
 * <h2>State (keyed by catalog; RocksDB-friendly)</h2>
 * A small {@link CatalogIndex} value (a few numbers per class), one {@link ClassSlots} map entry per
 * class (fresh flags, ingest times and item ids, a few bytes per slot), one pixel map entry per
 * buffered sample, and one entry per buffered item saying where its sample is. A sample reads and
 * writes its class's slots, one pixel entry and its item's entry; only a batch reads P*K pixel
 * entries. All four have Flink's own serializers, never Kryo.
 *
 * <p>The index is the exception: every sample needs all of it, and with a thousand classes
 * (de)serializing it for every sample held the builder to a few hundred samples a second. So each
 * catalog's index stays on the heap between samples, is loaded from state the first time a catalog
 * shows up (after a restore too), and is written back in {@link #snapshotState} for the catalogs
 * that changed since the last snapshot. Flink calls that before it snapshots the keyed state
 * backend, so every checkpoint holds the index that matches its slots and pixels. The trainer keeps
 * its models the same way.
 *
 * <h2>New catalogs and what training waits for</h2>
 * The first event of each catalog this subtask sees after it started (of any kind, embed-only ones
 * too) is announced to the trainer with a {@link TrainerInput#CATALOG_SEEN} input, so that a catalog
 * gets its version-0 model before any batch exists; the trainer ignores an announcement of a catalog
 * it knows.
 *
 * <h2>Catalog settings</h2>
 * A catalog's P, K and buffers follow its settings record (see the README, "Catalog settings"), which
 * arrives stamped on its samples ({@link ImageSample#settingsStamp}). A sample stamped with a newer revision
 * than the catalog's index holds moves the catalog to those settings before it is buffered: when they
 * store images of another shape (channels or S), every buffered sample of the catalog is dropped (a batch
 * is one tensor; counted in {@code samplesRemoved}); the trainer hears of the change at once through an
 * announcement under the new settings. A sample of an older revision is buffered when its shape still
 * fits, and rejected otherwise; batches carry the catalog's current settings.
 *
 * <p>Per catalog, the builder logs what training waits for each time the number of classes holding K
 * samples changes while below P, and once when P are reached (see {@link TrainingWait}), and a gauge {@code catalog.<name>.classesReady} holds that number.
 *
 * <h2>Metrics</h2>
 * Counters {@code batchesBuilt}, {@code samplesBuffered}, {@code samplesRejected},
 * {@code classEvictions}, {@code heldOutForwarded}, {@code samplesRemoved} (by a delete, a newer
 * image or an embed-only image of the item); histogram {@code batchBuildWaitMillis} (from the
 * ingest of a batch's oldest fresh sample to the batch); gauges {@code bufferedClasses} and
 * {@code bufferedSamples}, per catalog in group {@code catalog.<name>} (registered at the catalog's
 * first sample since the subtask started) and summed over the subtask's catalogs.
 */
public class ClassBalancedBatchBuilder extends AbstractStreamOperator<TrainerInput>
        implements OneInputStreamOperator<ImageSample, TrainerInput> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ClassBalancedBatchBuilder.class);

    static final TypeInformation<CatalogIndex> INDEX_TYPE = TypeInformation.of(CatalogIndex.class);
    static final TypeInformation<ClassSlots> SLOTS_TYPE = TypeInformation.of(ClassSlots.class);
    static final TypeInformation<byte[]> PIXELS_TYPE = PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO;

    static ValueStateDescriptor<CatalogIndex> indexState() {
        return new ValueStateDescriptor<>("batch-index", INDEX_TYPE);
    }

    static MapStateDescriptor<String, ClassSlots> slotsState() {
        return new MapStateDescriptor<>("batch-class-slots", Types.STRING, SLOTS_TYPE);
    }

    static MapStateDescriptor<String, byte[]> pixelsState() {
        return new MapStateDescriptor<>("batch-pixels", Types.STRING, PIXELS_TYPE);
    }

    /** Item id to the (class, slot) of its buffered sample, see {@link StateSampleStore#pixelKey}. */
    static MapStateDescriptor<String, String> itemSlotsState() {
        return new MapStateDescriptor<>("batch-item-slots", Types.STRING, Types.STRING);
    }

    private final CatalogPolicies policies;

    private transient ValueState<CatalogIndex> index;
    private transient TypeSerializer<CatalogIndex> indexSerializer;
    /** The index of every catalog this subtask has seen since it started, as of the last sample. */
    private transient Map<String, CatalogIndex> indexes;
    /** Catalogs whose index changed since the last snapshot wrote it to state. */
    private transient Set<String> changed;
    private transient StateSampleStore store;
    /** Buffers over the one store, per batch policy (a few in a job: the flags' and the records'). */
    private transient Map<BatchPolicy, CatalogBuffers> buffers;
    private transient BatchBuilderMetrics metrics;
    /** Catalogs announced to the trainer since this subtask started. */
    private transient Set<String> announced;
    /** Per catalog, the {@link TrainingWait#stage()} last logged and the ready classes now. */
    private transient Map<String, int[]> waits;

    /** Every catalog with {@code policy}: a job graph without catalog settings records. */
    public ClassBalancedBatchBuilder(BatchPolicy policy) {
        this(CatalogPolicies.fixed(policy));
    }

    public ClassBalancedBatchBuilder(CatalogPolicies policies) {
        if (policies == null) {
            throw new IllegalArgumentException("policies must not be null");
        }
        this.policies = policies;
    }

    @Override
    public void open() throws Exception {
        super.open();
        index = getPartitionedState(indexState());
        MapState<String, ClassSlots> slots = getPartitionedState(slotsState());
        MapState<String, byte[]> pixels = getPartitionedState(pixelsState());
        indexSerializer = INDEX_TYPE.createSerializer(getExecutionConfig().getSerializerConfig());
        indexes = new HashMap<>();
        changed = new HashSet<>();
        store = new StateSampleStore(slots, pixels, getPartitionedState(itemSlotsState()));
        buffers = new HashMap<>();
        metrics = new BatchBuilderMetrics(getMetricGroup());
        announced = new HashSet<>();
        waits = new HashMap<>();
    }

    @Override
    public void processElement(StreamRecord<ImageSample> element) throws Exception {
        ImageSample sample = element.getValue();
        if (!sample.deleted) {
            String catalog = (String) getCurrentKey();
            CatalogIndex current = indexFor(catalog);
            boolean moved = adoptNewerSettings(catalog, current, sample);
            if (announced.add(catalog) || moved) {
                TrainerInput seen = TrainerInputs.catalogSeen(catalog,
                        new SettingsStamp(current.settingsRevision, current.settings));
                output.collect(element.hasTimestamp() ? new StreamRecord<>(seen, element.getTimestamp())
                        : new StreamRecord<>(seen));
            }
        }
        if (sample.deleted || !sample.train) {
            // a deleted item, or one now only to be embedded, is trained on no more
            forget(sample);
            if (sample.deleted && sample.heldOut) {
                output.collect(element.replace(TrainerInputs.deletion(sample)));
            }
            return;
        }
        if (sample.heldOut) {
            metrics.heldOutForwarded.inc();
            // replace keeps the input's timestamp on the output, as a process function's collector did
            output.collect(element.replace(TrainerInputs.heldOut(sample)));
            return;
        }
        String catalog = (String) getCurrentKey();
        CatalogIndex current = indexFor(catalog);
        CatalogBuffers.Outcome outcome = buffersOf(current).add(catalog, current, sample);
        if (outcome.replaced()) {
            metrics.samplesRemoved.inc();
        }
        if (outcome.buffered() || outcome.replaced()) {
            changed.add(catalog);
        } else {
            LOG.debug("Not buffering item {} of catalog {}: {}", sample.itemId, catalog, outcome.rejection());
        }
        metrics.record(outcome, getProcessingTimeService().getCurrentProcessingTime());
        metrics.buffered(catalog, current);
        noteWait(catalog, current);
        if (outcome.batch() != null) {
            output.collect(element.replace(outcome.batch()));
        }
    }

    private void forget(ImageSample sample) throws Exception {
        String catalog = (String) getCurrentKey();
        CatalogIndex current = indexFor(catalog);
        if (buffersOf(current).remove(current, sample.itemId)) {
            metrics.samplesRemoved.inc();
            metrics.buffered(catalog, current);
            changed.add(catalog);
            noteWait(catalog, current);
        }
    }

    /**
     * Moves the catalog to the settings of a sample stamped with a newer revision; returns whether it did.
     * Buffered samples of another stored shape than the new settings make are dropped.
     */
    private boolean adoptNewerSettings(String catalog, CatalogIndex index, ImageSample sample) throws Exception {
        if (sample.settingsRevision <= index.settingsRevision) {
            return false;
        }
        if (index.hasShape() && !index.hasShape(sample.channels, sample.height, sample.width)
                && sample.pixels != null) {
            long dropped = buffersOf(index).clear(index);
            metrics.samplesRemoved.inc(dropped);
            LOG.info("catalog {}: settings revision {} stores {}x{}x{} images; {} buffered samples of the old "
                    + "shape dropped", catalog, sample.settingsRevision, sample.channels, sample.height,
                    sample.width, dropped);
        }
        index.settingsRevision = sample.settingsRevision;
        index.settings = sample.settings;
        changed.add(catalog);
        metrics.buffered(catalog, index);
        return true;
    }

    /** The buffers under the catalog's current batch policy. */
    private CatalogBuffers buffersOf(CatalogIndex index) {
        return buffers.computeIfAbsent(policies.policy(index.settings), p -> new CatalogBuffers(p, store));
    }

    /** Logs what the catalog's training waits for when that changed, and keeps its gauge current. */
    private void noteWait(String catalog, CatalogIndex index) {
        TrainingWait wait = TrainingWait.of(index, policies.policy(index.settings));
        int[] noted = waits.get(catalog);
        if (noted == null) {
            noted = new int[] {-1, 0};
            waits.put(catalog, noted);
            int[] gauge = noted;
            getMetricGroup().addGroup("catalog", catalog).gauge("classesReady", (Gauge<Integer>) () -> gauge[1]);
        }
        noted[1] = wait.readyClasses();
        if (noted[0] != wait.stage()) {
            noted[0] = wait.stage();
            LOG.info("catalog {}: {}", catalog, wait.describe());
        }
    }

    /** The catalog's index, from the heap or else from state; the current key must be the catalog. */
    private CatalogIndex indexFor(String catalog) throws Exception {
        CatalogIndex current = indexes.get(catalog);
        if (current == null) {
            CatalogIndex saved = index.value();
            // A copy, so that the heap backend's stored object never changes under a running
            // asynchronous snapshot: only snapshotState puts a new value there.
            current = saved == null ? new CatalogIndex() : indexSerializer.copy(saved);
            indexes.put(catalog, current);
        }
        return current;
    }

    /** A copy of the catalog's index as the next sample would find it, or null if it has none. */
    CatalogIndex indexOf(String catalog) throws Exception {
        CatalogIndex current = indexes.get(catalog);
        if (current == null) {
            setCurrentKey(catalog);
            current = index.value();
        }
        return current == null ? null : indexSerializer.copy(current);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        for (String catalog : changed) {
            setCurrentKey(catalog);
            // A copy for the same reason as in indexFor: the heap backend keeps the object itself
            // and may serialize it after the next samples have changed the one on the heap.
            index.update(indexSerializer.copy(indexes.get(catalog)));
        }
        changed.clear();
    }
}
