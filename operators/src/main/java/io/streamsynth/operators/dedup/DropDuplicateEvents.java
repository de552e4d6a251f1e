package io.streamsynth.operators.dedup;

import io.streamsynth.operators.types.DeadLetter;
import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.ItemKey;
import io.streamsynth.operators.types.RawEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Drops the repeats an at-least-once producer sends when it retries: a valid event whose
 * {@code event_id} the same item already received within the retention goes to {@link #DEAD_LETTERS}
 * with its original bytes and reason {@value #DUPLICATE_EVENT}, and is neither trained on nor
 * embedded again. Events without an {@code event_id} pass unchecked.
 *
 * <p>Keyed by item ({@link ImageSample#itemKey()}, catalog/item). A retry repeats the whole event,
 * so its copies share catalog and item; keying by item lets this run on the partitioning the
 * embedder needs anyway (the job reinterprets the output as keyed for it), so the decoded sample
 * crosses the network once on its way to the embedder. The price: one event id reused for two
 * different items of a catalog is not caught (that is a producer bug, not a retry).
 *
 * <p><b>What crosses the shuffle into this function.</b> Every sample, and with each sample that has an
 * {@code event_id} also its {@link ImageSample#origin}: the Kafka record as read (key and value, the
 * JSON event with its base64 image, plus topic, partition, offset and timestamp). Whether an event is
 * a repeat is known only here, after the shuffle, and a repeat's dead letter must carry its original
 * bytes, so the record travels with every event that could be one: an event with an id costs about
 * its Kafka record's size again on this edge; one without an id (or a delete without one) carries no
 * record. Nothing after this function carries it. State per item is
 * at most {@link DuplicateSettings#idsPerItem()} ids, each forgotten after the retention, and state
 * TTL removes the record of an item that has been quiet for the retention, so state stays bounded by
 * the items active within one retention period.
 *
 * <p>A delete passes unchecked and forgets the item's event ids: the item leaves every state, and
 * an event of the item after the delete creates it anew, whatever its id. (A producer's retry of an
 * image that arrives after the delete therefore creates the item again, as any later event would.)
 *
 * <p>Clears {@link ImageSample#origin} of every sample it passes on, so that downstream state never
 * holds the original record. Metric: counter {@code duplicateEvents}.
 */
public class DropDuplicateEvents extends KeyedProcessFunction<String, ImageSample, ImageSample> {

    private static final long serialVersionUID = 1L;

    public static final String DUPLICATE_EVENT = "duplicate_event";

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("duplicate-dead-letters", TypeInformation.of(DeadLetter.class));

    private final DuplicateSettings settings;

    private transient ValueState<RecentEventIds> recent;
    private transient Counter duplicates;

    public DropDuplicateEvents(DuplicateSettings settings) {
        if (settings == null) {
            throw new IllegalArgumentException("settings must not be null");
        }
        this.settings = settings;
    }

    static ValueStateDescriptor<RecentEventIds> recentIdsState(DuplicateSettings settings) {
        ValueStateDescriptor<RecentEventIds> descriptor = new ValueStateDescriptor<>("recent-event-ids",
                TypeInformation.of(RecentEventIds.class));
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(settings.retention())
                .updateTtlOnCreateAndWrite()
                .neverReturnExpired()
                .build());
        return descriptor;
    }

    @Override
    public void open(OpenContext openContext) {
        recent = getRuntimeContext().getState(recentIdsState(settings));
        duplicates = getRuntimeContext().getMetricGroup().counter("duplicateEvents");
    }

    @Override
    public void processElement(ImageSample sample, Context ctx, Collector<ImageSample> out) throws Exception {
        RawEvent origin = sample.origin;
        sample.origin = null;
        if (sample.deleted) {
            // the item leaves every state, this one too; a later event of the item starts afresh
            recent.clear();
            out.collect(sample);
            return;
        }
        if (sample.eventId == null) {
            out.collect(sample);
            return;
        }
        RecentEventIds ids = recent.value();
        if (ids == null) {
            ids = new RecentEventIds();
        }
        long now = ctx.timerService().currentProcessingTime();
        boolean first = ids.remember(sample.eventId, now, settings);
        recent.update(ids);
        if (first) {
            out.collect(sample);
            return;
        }
        duplicates.inc();
        ctx.output(DEAD_LETTERS, deadLetter(sample, origin));
    }

    private DeadLetter deadLetter(ImageSample sample, RawEvent origin) {
        String detail = "event_id '" + sample.eventId + "' of item '" + sample.itemId + "' in catalog '"
                + sample.catalog + "' was already received within " + settings.retention();
        if (origin == null) {
            // Only a sample decoded by an older version of the job, in flight across an upgrade, lacks it.
            return new DeadLetter(ItemKey.encode(sample.catalog, sample.itemId), null, DUPLICATE_EVENT,
                    detail + " (original bytes unavailable)", "unknown", sample.eventTime);
        }
        return new DeadLetter(origin.key, origin.value, DUPLICATE_EVENT, detail, origin.source(), origin.timestamp);
    }
}
