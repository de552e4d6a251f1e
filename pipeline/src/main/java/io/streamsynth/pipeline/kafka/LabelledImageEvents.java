package io.streamsynth.pipeline.kafka;

import io.streamsynth.model.data.ImageDecoder;
import io.streamsynth.model.data.ImageSet;
import io.streamsynth.operators.decode.EventLimits;
import io.streamsynth.operators.kafka.ImageEventJson;

/**
 * Input events for one image of an {@link ImageSet} under a label given as text: image folders
 * label by folder name, which {@link ImageEventProducer#send} (numeric labels only) cannot carry.
 */
public final class LabelledImageEvents {
    private LabelledImageEvents() {}

    /**
     * The event's JSON bytes, with the image as a lossless PNG and the event id {@code itemId@eventTime}:
     * the same for a retry of this event, new for a later event of the same item (the job drops an
     * event id an item has already received, see DropDuplicateEvents).
     *
     * @param label the class, or null for an index-only item ({@code train} false)
     */
    public static byte[] encode(String catalog, String itemId, String label, ImageSet images, int index,
            boolean train, long eventTime) {
        byte[] png = ImageDecoder.encodePng(images.channels(), images.height(), images.width(),
                images.imageBytes(index));
        return ImageEventJson.encode(eventId(itemId, eventTime), catalog, itemId, label, png, eventTime, train);
    }

    /**
     * Identifies one event of an item: a later event of the same item gets a new id. The job checks
     * event ids per item, so the time alone would do; the item id is there for people, left out where
     * it would push the id over the id length limit.
     */
    public static String eventId(String itemId, long eventTime) {
        String id = itemId + "@" + eventTime;
        return id.codePointCount(0, id.length()) <= EventLimits.DEFAULT_MAX_ID_LENGTH ? id : "@" + eventTime;
    }
}
