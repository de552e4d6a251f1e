package io.streamsynth.operators.decode;

import io.streamsynth.model.data.Decoded;
import io.streamsynth.model.data.ImageDecoder;
import io.streamsynth.model.data.ImageRejectedException;
import io.streamsynth.model.image.ImageSpec;
import io.streamsynth.model.image.Preprocessing;
import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.ItemKey;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns the bytes of an input event into a validated {@link ImageSample}, or says why it cannot.
 * The image is decoded into the catalog's channels and kept as its stored square (resized to S,
 * see {@link Preprocessing#store}), so what travels on and is kept in state is bounded whatever
 * was uploaded. Each catalog has its own image contract and held-out share ({@link Catalogs}), looked
 * up once the event's catalog is read and before its image is decoded. Plain Java, so that every rule is
 * tested without Flink.
 */
public final class ImageEventParser {

    /** A catalog's image contract and held-out share. */
    public record Choice(ImageSpec spec, HeldOutSelector heldOut) implements java.io.Serializable {}

    /** The choice for each catalog (its settings, or the job's flags). */
    @FunctionalInterface
    public interface Catalogs {
        Choice of(String catalog);
    }

    /** Decoders per image contract: a few specs in a job, each one's buffers made once. */
    private record Decoding(ImageDecoder decoder, Preprocessing preprocessing) {}

    private static final int MAX_DECODINGS = 64;

    private final EventLimits limits;
    private final ImageEventReader reader;
    private final Catalogs catalogs;
    private final Map<ImageSpec, Decoding> decodings = new HashMap<>();
    private long channelsConverted;

    /** Every catalog decoded into {@code spec}, with {@code heldOut}. */
    public ImageEventParser(EventLimits limits, ImageSpec spec, HeldOutSelector heldOut) {
        this(limits, fixed(spec, heldOut));
    }

    public ImageEventParser(EventLimits limits, Catalogs catalogs) {
        if (limits == null || catalogs == null) {
            throw new IllegalArgumentException("limits and catalogs must not be null");
        }
        this.limits = limits;
        this.reader = new ImageEventReader(limits.maxIdLength());
        this.catalogs = catalogs;
    }

    private static Catalogs fixed(ImageSpec spec, HeldOutSelector heldOut) {
        if (spec == null || heldOut == null) {
            throw new IllegalArgumentException("limits, spec and heldOut must not be null");
        }
        Choice choice = new Choice(spec, heldOut);
        return catalog -> choice;
    }

    private Decoding decoding(ImageSpec spec) {
        Decoding d = decodings.get(spec);
        if (d == null) {
            if (decodings.size() >= MAX_DECODINGS) {
                decodings.clear();
            }
            d = new Decoding(new ImageDecoder(limits.image(), spec.channels(), spec.background()),
                    new Preprocessing(spec));
            decodings.put(spec, d);
        }
        return d;
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
            deletion.heldOut = catalogs.of(target.catalog()).heldOut().isHeldOut(target.catalog(), target.itemId());
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
        Choice choice = catalogs.of(event.catalog());
        HeldOutSelector heldOut = choice.heldOut();
        if (event.deleted()) {
            ImageSample deletion = ImageSample.deletion(event.catalog(), event.itemId(), event.eventTime(),
                    ingestTime);
            deletion.eventId = event.eventId();
            // where a training event of the item would have gone: a held-out item leaves the trainer's set
            deletion.heldOut = heldOut.isHeldOut(event.catalog(), event.itemId());
            return deletion;
        }
        Decoding decoding = decoding(choice.spec());
        Decoded decoded = decode(decoding.decoder(), event.image());
        if (decoded.channelsConverted()) {
            channelsConverted++;
        }
        Preprocessing preprocessing = decoding.preprocessing();
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

    private static Decoded decode(ImageDecoder decoder, byte[] image) throws EventRejectedException {
        try {
            return decoder.decode(image);
        } catch (ImageRejectedException e) {
            throw new EventRejectedException(e.reason(), e.detail());
        }
    }
}
