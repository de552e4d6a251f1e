package io.streamsynth.pipeline.index;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * One record of the {@code embedding-versions} topic (key: the catalog's UTF-8 bytes; value UTF-8
 * JSON, schema version 1), as agreed for the embedder's version-complete markers:
 *
 * <pre>{@code
 * {"schema_version":1,"catalog":"fashion","model_version":7,"status":"complete","items":1234,
 *  "time_millis":1767225600000,"checkpoint_sha256":"...","weights_sha256":"..."}
 * }</pre>
 *
 * <p>{@code complete}: every live item of the catalog has a record at this version, committed in the
 * same Flink checkpoint as the marker or an earlier one; {@code items} counts them. {@code superseded}:
 * a newer version arrived before the pass finished. Unknown fields are ignored; a status this reader
 * does not know reads as {@link Status#OTHER}.
 */
public record VersionMarker(String catalog, long modelVersion, Status status, long items) {
    public enum Status { COMPLETE, SUPERSEDED, OTHER }

    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /**
     * Reads a marker's value.
     *
     * @throws IllegalArgumentException naming what is wrong, when it is not a schema-1 marker
     */
    public static VersionMarker decode(byte[] value) {
        if (value == null) {
            throw new IllegalArgumentException("marker has no value");
        }
        JsonNode node;
        try {
            node = JSON.readTree(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("marker is not JSON (" + e.getClass().getSimpleName() + ")");
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("marker is not a JSON object");
        }
        long schema = count(node, "schema_version");
        if (schema != 1) {
            throw new IllegalArgumentException("marker schema_version " + schema + " is not supported (knows 1)");
        }
        JsonNode catalog = node.get("catalog");
        if (catalog == null || !catalog.isTextual() || catalog.asText().isEmpty()) {
            throw new IllegalArgumentException("marker field 'catalog' must be a non-empty string");
        }
        JsonNode status = node.get("status");
        if (status == null || !status.isTextual()) {
            throw new IllegalArgumentException("marker field 'status' must be a string");
        }
        Status s = switch (status.asText()) {
            case "complete" -> Status.COMPLETE;
            case "superseded" -> Status.SUPERSEDED;
            default -> Status.OTHER;
        };
        return new VersionMarker(catalog.asText(), count(node, "model_version"), s, count(node, "items"));
    }

    private static long count(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
            throw new IllegalArgumentException("marker field '" + field + "' must be a non-negative integer");
        }
        return v.asLong();
    }
}
