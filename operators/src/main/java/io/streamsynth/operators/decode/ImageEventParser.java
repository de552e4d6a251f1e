package io.streamsynth.operators.decode;

import io.streamsynth.model.data.DecodedImage;
import io.streamsynth.model.data.ImageDecoder;
import io.streamsynth.model.data.ImageRejectedException;
import io.streamsynth.operators.types.ImageSample;

/**
 * Turns the bytes of an input event into a validated {@link ImageSample}, or says why it cannot.
 * Plain Java, so that every rule is tested without Flink.
 */
public final class ImageEventParser {

    private final EventLimits limits;
    private final ImageEventReader reader;
    private final ImageDecoder decoder;
    private final HeldOutSelector heldOut;

    public ImageEventParser(EventLimits limits, HeldOutSelector heldOut) {
        if (limits == null || heldOut == null) {
            throw new IllegalArgumentException("limits and heldOut must not be null");
        }
        this.limits = limits;
        this.reader = new ImageEventReader(limits.maxIdLength());
        this.decoder = new ImageDecoder(limits.image());
        this.heldOut = heldOut;
    }

    /**
     * @param value      the Kafka record's value
     * @param ingestTime when the job read the record, carried on for freshness figures
     */
    public ImageSample parse(byte[] value, long ingestTime) throws EventRejectedException {
        if (value != null && value.length > limits.maxEventBytes()) {
            throw new EventRejectedException(EventRejectedException.EVENT_TOO_LARGE,
                    value.length + " bytes exceed the limit of " + limits.maxEventBytes());
        }
        ImageEvent event = reader.read(value);
        DecodedImage image = decode(event.image());

        ImageSample sample = new ImageSample();
        sample.catalog = event.catalog();
        sample.itemId = event.itemId();
        sample.label = event.label();
        sample.channels = image.channels();
        sample.height = image.height();
        sample.width = image.width();
        sample.pixels = image.pixels();
        sample.eventTime = event.eventTime();
        sample.ingestTime = ingestTime;
        sample.train = event.train();
        sample.eventId = event.eventId();
        // Only training items can be held out of training; the rest are never trained on anyway.
        sample.heldOut = event.train() && heldOut.isHeldOut(event.catalog(), event.itemId());
        return sample;
    }

    private DecodedImage decode(byte[] image) throws EventRejectedException {
        try {
            return decoder.decode(image);
        } catch (ImageRejectedException e) {
            throw new EventRejectedException(e.reason(), e.detail());
        }
    }
}
