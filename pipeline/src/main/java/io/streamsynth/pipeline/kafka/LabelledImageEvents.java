package io.streamsynth.pipeline.kafka;

import io.streamsynth.model.data.ImageDecoder;
import io.streamsynth.model.data.ImageSet;
import io.streamsynth.operators.kafka.ImageEventJson;

/**
 * Input events for one image of an {@link ImageSet} under a label given as text: image folders
 * label by folder name, which {@link ImageEventProducer#send} (numeric labels only) cannot carry.
 */
public final class LabelledImageEvents {
    private LabelledImageEvents() {}

    /**
     * The event's JSON bytes, with the image as a lossless PNG and the item id as the event id.
     *
     * @param label the class, or null for an index-only item ({@code train} false)
     */
    public static byte[] encode(String catalog, String itemId, String label, ImageSet images, int index,
            boolean train, long eventTime) {
        float[] values = images.image(index);
        byte[] pixels = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            pixels[i] = (byte) Math.round(values[i] * 255f);
        }
        byte[] png = ImageDecoder.encodePng(images.channels(), images.height(), images.width(), pixels);
        return ImageEventJson.encode(itemId, catalog, itemId, label, png, eventTime, train);
    }
}
