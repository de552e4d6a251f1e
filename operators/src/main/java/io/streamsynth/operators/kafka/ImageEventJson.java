package io.streamsynth.operators.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.streamsynth.operators.decode.ImageEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;

/** Writes input events in the {@link ImageEvent} wire format, for producers and tests. */
public final class ImageEventJson {

    private static final JsonFactory JSON = new JsonFactory();

    private ImageEventJson() {
    }

    /**
     * @param eventId    the producer's id for the event, or null to leave it out
     * @param label      the class label, or null (only valid when {@code train} is false)
     * @param imageBytes PNG or JPEG bytes, written as standard base64
     * @param eventTime  milliseconds since the epoch
     */
    public static byte[] encode(String eventId, String catalog, String itemId, String label, byte[] imageBytes,
            long eventTime, boolean train) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + imageBytes.length * 4 / 3);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeNumberField(ImageEvent.SCHEMA_VERSION_FIELD, ImageEvent.SCHEMA_VERSION);
            if (eventId != null) {
                json.writeStringField(ImageEvent.EVENT_ID, eventId);
            }
            json.writeStringField(ImageEvent.CATALOG, catalog);
            json.writeStringField(ImageEvent.ITEM_ID, itemId);
            if (label != null) {
                json.writeStringField(ImageEvent.LABEL, label);
            }
            json.writeStringField(ImageEvent.IMAGE, Base64.getEncoder().encodeToString(imageBytes));
            json.writeNumberField(ImageEvent.EVENT_TIME, eventTime);
            json.writeBooleanField(ImageEvent.TRAIN, train);
            json.writeEndObject();
        } catch (IOException e) {
            // Writing to memory does not fail with I/O errors.
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
