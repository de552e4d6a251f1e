package io.streamsynth.operators.decode;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/** Reads the JSON of an {@link ImageEvent} strictly, field by field, leaving the image encoded. */
public final class ImageEventReader {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final int maxIdLength;

    public ImageEventReader(int maxIdLength) {
        if (maxIdLength < 1) {
            throw new IllegalArgumentException("maxIdLength must be positive, got " + maxIdLength);
        }
        this.maxIdLength = maxIdLength;
    }

    public ImageEvent read(byte[] value) throws EventRejectedException {
        JsonNode event = parseObject(value);
        checkSchemaVersion(event);
        String catalog = requiredId(event, ImageEvent.CATALOG);
        String itemId = requiredId(event, ImageEvent.ITEM_ID);
        String eventId = optionalId(event, ImageEvent.EVENT_ID);
        if (optionalBoolean(event, ImageEvent.DELETED, false)) {
            long time = present(event, ImageEvent.EVENT_TIME) == null ? 0L : eventTime(event);
            return new ImageEvent(eventId, catalog, itemId, null, null, time, false, true);
        }
        boolean train = optionalBoolean(event, ImageEvent.TRAIN, true);
        String label = train ? requiredId(event, ImageEvent.LABEL) : optionalId(event, ImageEvent.LABEL);
        long eventTime = eventTime(event);
        byte[] image = image(event);
        return new ImageEvent(eventId, catalog, itemId, label, image, eventTime, train, false);
    }

    private static JsonNode parseObject(byte[] value) throws EventRejectedException {
        if (value == null) {
            throw new EventRejectedException(EventRejectedException.INVALID_JSON, "the record has no value");
        }
        JsonNode root;
        try {
            root = JSON.readTree(strictUtf8(value));
        } catch (JacksonException e) {
            throw new EventRejectedException(EventRejectedException.INVALID_JSON, e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new EventRejectedException(EventRejectedException.INVALID_JSON,
                    "the event must be a JSON object, got " + describe(root));
        }
        return root;
    }

    /**
     * Decoded up front because Jackson accepts some invalid UTF-8: an overlong C0 AF reads as '/'
     * and an encoded surrogate as a lone surrogate, so ids could carry characters their bytes do
     * not plainly show.
     */
    private static String strictUtf8(byte[] value) throws EventRejectedException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new EventRejectedException(EventRejectedException.INVALID_JSON, "the event is not valid UTF-8");
        }
    }

    private static void checkSchemaVersion(JsonNode event) throws EventRejectedException {
        JsonNode version = present(event, ImageEvent.SCHEMA_VERSION_FIELD);
        if (version == null) {
            throw EventRejectedException.missing(ImageEvent.SCHEMA_VERSION_FIELD);
        }
        if (!version.isIntegralNumber()) {
            throw EventRejectedException.wrongType(ImageEvent.SCHEMA_VERSION_FIELD, "an integer", describe(version));
        }
        if (!version.canConvertToInt() || version.intValue() != ImageEvent.SCHEMA_VERSION) {
            throw new EventRejectedException(EventRejectedException.UNSUPPORTED_SCHEMA_VERSION,
                    "schema_version " + version.asText() + " is not supported; this job reads version "
                            + ImageEvent.SCHEMA_VERSION);
        }
    }

    private String requiredId(JsonNode event, String field) throws EventRejectedException {
        String value = optionalId(event, field);
        if (value == null) {
            throw EventRejectedException.missing(field);
        }
        return value;
    }

    private String optionalId(JsonNode event, String field) throws EventRejectedException {
        String value = optionalString(event, field);
        if (value != null) {
            checkId(field, value);
        }
        return value;
    }

    /** Rejects an id that is empty, too long or holds control characters. */
    void checkId(String field, String value) throws EventRejectedException {
        if (value.isEmpty()) {
            throw new EventRejectedException("empty_field:" + field, "'" + field + "' must not be empty");
        }
        int length = value.codePointCount(0, value.length());
        if (length > maxIdLength) {
            throw new EventRejectedException("id_too_long:" + field,
                    "'" + field + "' has " + length + " characters, the limit is " + maxIdLength);
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new EventRejectedException("control_characters:" + field, String.format(Locale.ROOT,
                        "'%s' contains control character U+%04X at index %d", field, (int) c, i));
            }
        }
    }

    private static String optionalString(JsonNode event, String field) throws EventRejectedException {
        JsonNode node = present(event, field);
        if (node == null) {
            return null;
        }
        if (!node.isTextual()) {
            throw EventRejectedException.wrongType(field, "a string", describe(node));
        }
        return node.textValue();
    }

    private static boolean optionalBoolean(JsonNode event, String field, boolean absent)
            throws EventRejectedException {
        JsonNode node = present(event, field);
        if (node == null) {
            return absent;
        }
        if (!node.isBoolean()) {
            throw EventRejectedException.wrongType(field, "a boolean", describe(node));
        }
        return node.booleanValue();
    }

    private static long eventTime(JsonNode event) throws EventRejectedException {
        String field = ImageEvent.EVENT_TIME;
        JsonNode node = present(event, field);
        if (node == null) {
            throw EventRejectedException.missing(field);
        }
        if (!node.isIntegralNumber()) {
            throw EventRejectedException.wrongType(field, "an integer (epoch milliseconds)", describe(node));
        }
        if (!node.canConvertToLong() || node.longValue() < 0) {
            throw new EventRejectedException("out_of_range:" + field,
                    "'" + field + "' must be between 0 and " + Long.MAX_VALUE + ", got " + node.asText());
        }
        return node.longValue();
    }

    private static byte[] image(JsonNode event) throws EventRejectedException {
        String encoded = optionalString(event, ImageEvent.IMAGE);
        if (encoded == null) {
            throw EventRejectedException.missing(ImageEvent.IMAGE);
        }
        if (encoded.isEmpty()) {
            throw new EventRejectedException("empty_field:" + ImageEvent.IMAGE, "'image' must not be empty");
        }
        try {
            return Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw new EventRejectedException(EventRejectedException.INVALID_BASE64,
                    "'image' is not standard base64: " + e.getMessage());
        }
    }

    /** The field's value, or null where it is absent or JSON null, which the format treats alike. */
    private static JsonNode present(JsonNode event, String field) {
        JsonNode node = event.get(field);
        return node == null || node.isNull() ? null : node;
    }

    private static String describe(JsonNode node) {
        return node == null ? "nothing" : node.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}
