package io.streamsynth.operators.decode;

import io.streamsynth.model.image.ImageSpec;
import io.streamsynth.model.train.InvalidSettingException;
import io.streamsynth.operators.types.DeadLetter;
import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.RawEvent;
import io.streamsynth.operators.types.SettingsStamp;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes and validates raw input records, each into its catalog's image contract. Valid events, delete
 * events and tombstones continue as {@link ImageSample}s (a delete has {@link ImageSample#deleted} set),
 * stamped with the catalog settings they were decoded under ({@link ImageSample#settingsStamp}); every
 * other record goes to {@link #DEAD_LETTERS} with its original bytes and a reason code, a key that
 * disagrees with its value included ({@link EventKeys}).
 *
 * <p>The broadcast side takes the records of the catalogs topic into {@link #CATALOG_SETTINGS}, broadcast
 * state that every checkpoint holds and a restore brings back: a valid record (its backbone file, if it
 * names one, read and checked here once, see {@link CatalogDecoding#check}) becomes its catalog's
 * settings from the next event on, a tombstone returns the catalog to the job's flags, and an invalid one
 * is dead-lettered with reason {@link #INVALID_CATALOG_SETTINGS} (by subtask 0 only, so once, although
 * every subtask sees it) while the catalog keeps its last valid settings. Metrics: counters
 * {@code eventsIn}, {@code deadLetters}, {@code heldOutItems}, {@code deleteEvents},
 * {@code catalogSettingsApplied}, {@code catalogSettingsRejected}. Input never makes this function throw,
 * so a bad record cannot put the job into a restart loop.
 */
public class DecodeEvents extends BroadcastProcessFunction<RawEvent, RawEvent, ImageSample> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(DecodeEvents.class);

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    /** Catalog id to the newest valid settings record of the catalog (or its tombstone). */
    public static final MapStateDescriptor<String, SettingsStamp> CATALOG_SETTINGS =
            new MapStateDescriptor<>("catalog-settings", Types.STRING, TypeInformation.of(SettingsStamp.class));

    /** For parser failures that are bugs rather than bad input; the event is kept all the same. */
    public static final String INTERNAL_ERROR = "internal_error";

    /** Reason code of a catalogs-topic record that is not valid settings. */
    public static final String INVALID_CATALOG_SETTINGS = "invalid_catalog_settings";

    private final EventLimits limits;
    private final CatalogDecoding catalogs;

    private transient ImageEventParser parser;
    /** The broadcast state as the event being decoded sees it. */
    private transient ReadOnlyBroadcastState<String, SettingsStamp> settings;
    /** The catalog the parser looked up for the event being decoded, and its stamp: one read per event. */
    private transient String lookedUp;
    private transient SettingsStamp lookedUpStamp;
    private transient Counter eventsIn;
    private transient Counter deadLetters;
    private transient Counter heldOutItems;
    private transient Counter deletes;
    private transient Counter settingsApplied;
    private transient Counter settingsRejected;

    /** Every catalog decoded into {@code spec}: a job graph without the catalogs topic. */
    public DecodeEvents(EventLimits limits, ImageSpec spec, HeldOutSelector heldOut) {
        this(limits, CatalogDecoding.fixed(spec, heldOut));
    }

    public DecodeEvents(EventLimits limits, CatalogDecoding catalogs) {
        if (limits == null || catalogs == null) {
            throw new IllegalArgumentException("limits and catalogs must not be null");
        }
        this.limits = limits;
        this.catalogs = catalogs;
    }

    @Override
    public void open(OpenContext openContext) {
        parser = new ImageEventParser(limits, catalog -> catalogs.decoding(stampOf(catalog).settings));
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        eventsIn = metrics.counter("eventsIn");
        deadLetters = metrics.counter("deadLetters");
        heldOutItems = metrics.counter("heldOutItems");
        deletes = metrics.counter("deleteEvents");
        settingsApplied = metrics.counter("catalogSettingsApplied");
        settingsRejected = metrics.counter("catalogSettingsRejected");
        metrics.meter("eventsPerSecond", new MeterView(eventsIn));
        // grey expanded to RGB or RGB converted to grey to fit the catalog's channels
        metrics.gauge("channelsConverted", (Gauge<Long>) parser::channelsConverted);
    }

    private SettingsStamp stampOf(String catalog) {
        if (catalog.equals(lookedUp)) {
            return lookedUpStamp;
        }
        try {
            SettingsStamp s = settings == null ? null : settings.get(catalog);
            lookedUp = catalog;
            lookedUpStamp = s == null ? SettingsStamp.jobFlags() : s;
            return lookedUpStamp;
        } catch (Exception e) {
            // heap broadcast state does not fail; if it did, the job's flags are the safe answer
            throw new IllegalStateException("cannot read the catalog settings of '" + catalog + "'", e);
        }
    }

    @Override
    public void processElement(RawEvent raw, ReadOnlyContext ctx, Collector<ImageSample> out) {
        eventsIn.inc();
        settings = ctx.getBroadcastState(CATALOG_SETTINGS);
        lookedUp = null;
        ImageSample sample;
        try {
            sample = parser.parse(raw.key, raw.value, raw.ingestTime);
        } catch (EventRejectedException e) {
            reject(raw, e.reason(), e.detail(), ctx);
            return;
        } catch (RuntimeException e) {
            reject(raw, INTERNAL_ERROR, e.getClass().getName() + ": " + e.getMessage(), ctx);
            return;
        }
        sample.stamp(stampOf(sample.catalog));
        if (sample.deleted) {
            deletes.inc();
        } else if (sample.heldOut) {
            heldOutItems.inc();
        }
        if (sample.eventId != null) {
            // the duplicate check downstream dead-letters a repeat with the bytes it arrived with
            sample.origin = raw;
        }
        // Outside the try: a failure downstream is not this record's fault and must not be
        // dead-lettered as if it were.
        out.collect(sample);
    }

    /**
     * A record of the catalogs topic. Its revision is its offset + 1: a catalog's records share a key and
     * so a partition, where offsets grow; a record not newer than the catalog's current one (read again
     * after a restore) changes nothing.
     */
    @Override
    public void processBroadcastElement(RawEvent record, Context ctx, Collector<ImageSample> out) throws Exception {
        String catalog = record.key == null ? null : new String(record.key, StandardCharsets.UTF_8);
        long revision = record.offset + 1;
        SettingsStamp current = catalog == null ? null : ctx.getBroadcastState(CATALOG_SETTINGS).get(catalog);
        if (current != null && current.revision >= revision) {
            return;
        }
        byte[] stamped = null;
        if (record.value != null) {
            try {
                // a backbone file the record names is read and checked here, once per record and subtask
                stamped = catalogs.check(catalog, record.value);
            } catch (RuntimeException e) {
                settingsRejected.inc();
                // named as the record names it: "samples_per_class: must be even ..."
                String detail = e instanceof InvalidSettingException invalid ? invalid.asField() : e.getMessage();
                LOG.warn("catalog settings record {} for catalog '{}' rejected, the catalog keeps {}: {}",
                        record.source(), catalog, current == null ? "the job's flags" : current, detail);
                if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
                    // every subtask reads the record; one dead letter is enough
                    deadLetters.inc();
                    ctx.output(DEAD_LETTERS, new DeadLetter(record.key, record.value, INVALID_CATALOG_SETTINGS,
                            detail, record.source(), record.timestamp));
                }
                return;
            }
        } else if (catalog == null) {
            return; // a tombstone without a key names no catalog
        }
        ctx.getBroadcastState(CATALOG_SETTINGS).put(catalog, new SettingsStamp(revision, stamped));
        settingsApplied.inc();
        LOG.info("catalog '{}': {} from record {}", catalog, record.value == null
                ? "back to the job's flags (tombstone)" : "new settings", record.source());
    }

    private void reject(RawEvent raw, String reason, String detail, ReadOnlyContext ctx) {
        deadLetters.inc();
        ctx.output(DEAD_LETTERS, new DeadLetter(raw.key, raw.value, reason, detail, raw.source(), raw.timestamp));
    }
}
