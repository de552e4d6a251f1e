package io.streamsynth.operators.kafka;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamsynth.operators.types.VersionMarker;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The version-marker wire format (topic {@code embedding-versions}, key: the catalog's UTF-8 bytes),
 * schema version 1:
 *
 * <pre>{@code
 * {"schema_version":1, "catalog":"fashion", "model_version":7, "status":"complete", "items":1234,
 *  "time_millis":1767225600000, "checkpoint_sha256":"<64 hex>", "weights_sha256":"<64 hex>"}
 * }</pre>
 *
 * <p>{@code status} "complete": every embedder subtask published the version for every live item it
 * holds, and {@code items} counts those items; "superseded": a newer version reached the embedder
 * before this one's pass was through, and {@code items} counts the items known embedded at it. One
 * record per (catalog, model_version). {@code checkpoint_sha256} equals the checkpoint chunks'
 * {@code streamsynth.checkpoint.sha256} header, {@code weights_sha256} the checkpoint metadata's.
 * Readers ignore unknown keys.
 */
public final class VersionMarkerJson {
    public static final int SCHEMA_VERSION = 1;

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final ObjectMapper READER = new ObjectMapper(JSON);

    private VersionMarkerJson() {}

    public static byte[] encode(VersionMarker m) {
        if (m.catalog == null || m.status == null) {
            throw new IllegalArgumentException("a version marker needs a catalog and a status");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeNumberField("schema_version", SCHEMA_VERSION);
            json.writeStringField("catalog", m.catalog);
            json.writeNumberField("model_version", m.version);
            json.writeStringField("status", m.status);
            json.writeNumberField("items", m.items);
            json.writeNumberField("time_millis", m.timeMillis);
            json.writeStringField("checkpoint_sha256", m.checkpointSha256);
            json.writeStringField("weights_sha256", m.weightsSha256);
            json.writeEndObject();
        } catch (IOException e) {
            // Writing to memory does not fail with I/O errors.
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Reads a marker's value.
     *
     * @throws WireFormatException when it is not a schema-1 marker (missing or mistyped fields, a
     *                             negative model_version or items, an empty catalog, an unknown status)
     */
    public static VersionMarker decode(byte[] value) {
        return decode(value, false);
    }

    /**
     * Reads a marker's value for a consumer that acts only on the statuses it knows (the index): a
     * status other than complete or superseded, which a later writer may add, is kept as read, so
     * that the marker is neither {@link VersionMarker#isComplete()} nor
     * {@link VersionMarker#isSuperseded()}, instead of refused.
     *
     * @throws WireFormatException as {@link #decode}, bar the unknown status
     */
    public static VersionMarker decodeAnyStatus(byte[] value) {
        return decode(value, true);
    }

    private static VersionMarker decode(byte[] value, boolean anyStatus) {
        if (value == null) {
            throw new WireFormatException("version marker record has no value");
        }
        JsonNode node;
        try {
            node = READER.readTree(value);
        } catch (JacksonException e) {
            throw new WireFormatException("version marker is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (node == null || !node.isObject()) {
            throw new WireFormatException("version marker must be a JSON object");
        }
        if (integer(node, "schema_version") != SCHEMA_VERSION) {
            throw new WireFormatException("version marker has schema_version " + node.get("schema_version")
                    + "; this reader knows " + SCHEMA_VERSION);
        }
        String status = text(node, "status", false);
        if (!anyStatus && !VersionMarker.COMPLETE.equals(status) && !VersionMarker.SUPERSEDED.equals(status)) {
            throw new WireFormatException("version marker status must be complete or superseded, got '" + status
                    + "'");
        }
        String catalog = text(node, "catalog", false);
        if (catalog.isEmpty()) {
            throw new WireFormatException("version marker needs a non-empty catalog");
        }
        return new VersionMarker(catalog, count(node, "model_version"), status, count(node, "items"),
                integer(node, "time_millis"), text(node, "checkpoint_sha256", true),
                text(node, "weights_sha256", true));
    }

    private static long integer(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new WireFormatException("version marker needs an integer " + field + ", got " + v);
        }
        return v.longValue();
    }

    private static long count(JsonNode node, String field) {
        long v = integer(node, field);
        if (v < 0) {
            throw new WireFormatException("version marker needs a non-negative integer " + field + ", got " + v);
        }
        return v;
    }

    private static String text(JsonNode node, String field, boolean nullable) {
        JsonNode v = node.get(field);
        if (nullable && (v == null || v.isNull())) {
            return null;
        }
        if (v == null || !v.isTextual()) {
            throw new WireFormatException("version marker needs a string " + field + ", got " + v);
        }
        return v.textValue();
    }
}
