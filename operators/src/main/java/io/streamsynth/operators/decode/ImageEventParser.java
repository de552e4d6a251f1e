package io.streamsynth.operators.decode;

import io.streamsynth.model.data.Decoded;
import io.streamsynth.model.data.ImageDecoder;
import io.streamsynth.model.data.ImageRejectedException;
import io.streamsynth.model.image.ImageSpec;
import io.streamsynth.model.image.Preprocessing;
import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.ItemKey;

/**
 * Turns the bytes of an input event into a validated {@link ImageSample}, or says why it cannot.
 * The image is decoded into the catalog's channels and kept as its stored square (resized to S,
 * see {@link Preprocessing#store}), so what travels on and is kept in state is bounded whatever
 * was uploaded. Plain Java, so that every rule is tested without Flink.
 */
public final class ImageEventParser {

    private final EventLimits limits;
    private final ImageEventReader reader;
    private final ImageDecoder decoder;
    private final Preprocessing preprocessing;
    private final HeldOutSelector heldOut;
    private long channelsConverted;

    public ImageEventParser(EventLimits limits, ImageSpec spec, HeldOutSelector heldOut) {
        if (limits == null || spec == null || heldOut == null) {
            throw new IllegalArgumentException("limits, spec and heldOut must not be null");
        }
        this.limits = limits;
        this.reader = new ImageEventReader(limits.maxIdLength());
        this.decoder = new ImageDecoder(limits.image(), spec.channels(), spec.background());
        this.preprocessing = new Preprocessing(spec);
        this.heldOut = heldOut;
    }

    /** Images so far whose grey was expanded to RGB or RGB converted to grey to fit the catalog. */
    public long channelsConverted() {
        return channelsConverted;
    }

    /**
     * Parses a whole input record: a tombstone (null value) becomes a delete of the item its key
     * names; otherwise the value is parsed and the key must agree with it (see {@link EventKeys}).
     *
     * @param key        the Kafka record's key, or null
     * @param value      the Kafka record's value, or null for a tombstone
     * @param ingestTime when the job read the record, carried on for freshness figures
     */
    public ImageSample parse(byte[] key, byte[] value, long ingestTime) throws EventRejectedException {
        if (value == null) {
            ItemKey target = EventKeys.tombstoneTarget(key);
            // the ids of a tombstone become the same state keys as an event's: the same rules apply
            reader.checkId(ImageEvent.CATALOG, target.catalog());
            reader.checkId(ImageEvent.ITEM_ID, target.itemId());
            ImageSample deletion = ImageSample.deletion(target.catalog(), target.itemId(), 0L, ingestTime);
            deletion.heldOut = heldOut.isHeldOut(target.catalog(), target.itemId());
            return deletion;
        }
        ImageEvent event = read(value);
        EventKeys.check(key, event.catalog(), event.itemId());
        return toSample(event, ingestTime);
    }

    /**
     * Parses a record's value alone, without the checks on its key.
     *
     * @param value      the Kafka record's value
     * @param ingestTime when the job read the record, carried on for freshness figures
     */
    public ImageSample parse(byte[] value, long ingestTime) throws EventRejectedException {
        return toSample(read(value), ingestTime);
    }

    private ImageEvent read(byte[] value) throws EventRejectedException {
        if (value != null && value.length > limits.maxEventBytes()) {
            throw new EventRejectedException(EventRejectedException.EVENT_TOO_LARGE,
                    value.length + " bytes exceed the limit of " + limits.maxEventBytes());
        }
        return reader.read(value);
    }

    private ImageSample toSample(ImageEvent event, long ingestTime) throws EventRejectedException {
        if (event.deleted()) {
            ImageSample deletion = ImageSample.deletion(event.catalog(), event.itemId(), event.eventTime(),
                    ingestTime);
            deletion.eventId = event.eventId();
            // where a training event of the item would have gone: a held-out item leaves the trainer's set
            deletion.heldOut = heldOut.isHeldOut(event.catalog(), event.itemId());
            return deletion;
        }
        Decoded decoded = decode(event.image());
        if (decoded.channelsConverted()) {
            channelsConverted++;
        }
        ImageSpec spec = preprocessing.spec();

        ImageSample sample = new ImageSample();
        sample.catalog = event.catalog();
        sample.itemId = event.itemId();
        sample.label = event.label();
        sample.channels = spec.channels();
        sample.height = spec.resize();
        sample.width = spec.resize();
        sample.pixels = preprocessing.store(decoded.image());
        sample.eventTime = event.eventTime();
        sample.ingestTime = ingestTime;
        sample.train = event.train();
        sample.eventId = event.eventId();
        // Only training items can be held out of training; the rest are never trained on anyway.
        sample.heldOut = event.train() && heldOut.isHeldOut(event.catalog(), event.itemId());
        return sample;
    }

    private Decoded decode(byte[] image) throws EventRejectedException {
        try {
            return decoder.decode(image);
        } catch (ImageRejectedException e) {
            throw new EventRejectedException(e.reason(), e.detail());
        }
    }
}
