package io.streamsynth.operators.decode;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamsynth.model.data.ImageDecoder;
import io.streamsynth.model.image.ImageSpec;
import java.util.Base64;

/** Input events for tests: a valid one as a JSON tree, to be broken one field at a time. */
final class TestEvents {

    static final ObjectMapper JSON = new ObjectMapper();
    static final int SIDE = 4;

    private TestEvents() {
    }

    static byte[] greyPixels() {
        byte[] pixels = new byte[SIDE * SIDE];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 16);
        }
        return pixels;
    }

    static byte[] greyPng() {
        return ImageDecoder.encodePng(1, SIDE, SIDE, greyPixels());
    }

    static ObjectNode validEvent() {
        ObjectNode event = JSON.createObjectNode();
        event.put("schema_version", 1);
        event.put("event_id", "e-1");
        event.put("catalog", "fashion");
        event.put("item_id", "sku-1");
        event.put("label", "sneaker");
        event.put("image", Base64.getEncoder().encodeToString(greyPng()));
        event.put("event_time", 1_700_000_000_000L);
        event.put("train", true);
        return event;
    }

    static byte[] bytes(ObjectNode event) {
        try {
            return JSON.writeValueAsBytes(event);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static EventLimits greyLimits() {
        return EventLimits.defaults();
    }

    /** Grey SIDE x SIDE images kept as they are. */
    static ImageSpec greySpec() {
        return ImageSpec.unchanged(1, SIDE);
    }
}
