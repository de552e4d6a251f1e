package io.streamsynth.operators.decode;

import io.streamsynth.model.image.ImageSpec;
import io.streamsynth.operators.types.DeadLetter;
import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.RawEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes and validates raw input records. Valid events, delete events and tombstones continue as
 * {@link ImageSample}s (a delete has {@link ImageSample#deleted} set); every other record goes to
 * {@link #DEAD_LETTERS} with its original bytes and a reason code, a key that disagrees with its
 * value included ({@link EventKeys}). Metrics: counters {@code eventsIn}, {@code deadLetters},
 * {@code heldOutItems}, {@code deleteEvents}. Input never
 * makes this function throw, so a bad record cannot put the job into a restart loop.
 */
public class DecodeEvents extends ProcessFunction<RawEvent, ImageSample> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    /** For parser failures that are bugs rather than bad input; the event is kept all the same. */
    public static final String INTERNAL_ERROR = "internal_error";

    private final EventLimits limits;
    private final ImageSpec spec;
    private final HeldOutSelector heldOut;

    private transient ImageEventParser parser;
    private transient Counter eventsIn;
    private transient Counter deadLetters;
    private transient Counter heldOutItems;
    private transient Counter deletes;

    public DecodeEvents(EventLimits limits, ImageSpec spec, HeldOutSelector heldOut) {
        if (limits == null || spec == null || heldOut == null) {
            throw new IllegalArgumentException("limits, spec and heldOut must not be null");
        }
        this.limits = limits;
        this.spec = spec;
        this.heldOut = heldOut;
    }

    @Override
    public void open(OpenContext openContext) {
        parser = new ImageEventParser(limits, spec, heldOut);
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        eventsIn = metrics.counter("eventsIn");
        deadLetters = metrics.counter("deadLetters");
        heldOutItems = metrics.counter("heldOutItems");
        deletes = metrics.counter("deleteEvents");
        metrics.meter("eventsPerSecond", new MeterView(eventsIn));
        // grey expanded to RGB or RGB converted to grey to fit the catalog's channels
        metrics.gauge("channelsConverted", (Gauge<Long>) parser::channelsConverted);
    }

    @Override
    public void processElement(RawEvent raw, Context ctx, Collector<ImageSample> out) {
        eventsIn.inc();
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

    private void reject(RawEvent raw, String reason, String detail, Context ctx) {
        deadLetters.inc();
        ctx.output(DEAD_LETTERS, new DeadLetter(raw.key, raw.value, reason, detail, raw.source(), raw.timestamp));
    }
}
