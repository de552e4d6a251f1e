package io.streamsynth.model.checkpoint;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a checkpoint says about itself: where and when it was trained, how the model is built, how
 * well it did, and the SHA-256 of its weights.
 *
 * <p>The JSON form uses snake_case names so Python tooling reads it naturally. Reading ignores
 * fields it does not know, so a newer writer can add fields without breaking older readers; a
 * change older readers must not misread bumps {@link #CURRENT_FORMAT_VERSION} instead.
 *
 * <p>{@code weightsSha256} may be null only while a checkpoint is being assembled; use
 * {@link Checkpoint#of} to fill it from the weights.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"format_version", "catalog", "model_version", "step", "created_at_millis",
        "architecture", "preprocessing", "hyper_parameters", "evaluation", "weights_sha256", "lineage", "promotion"})
public record CheckpointMetadata(
        @JsonProperty("format_version") int formatVersion,
        @JsonProperty("catalog") String catalog,
        @JsonProperty("model_version") long modelVersion,
        @JsonProperty("step") long step,
        @JsonProperty("created_at_millis") long createdAtMillis,
        @JsonProperty("architecture") Map<String, Object> architecture,
        @JsonProperty("hyper_parameters") Map<String, Object> hyperParameters,
        @JsonProperty("evaluation") @JsonSerialize(using = EvaluationJsonWriter.class) Map<String, Double> evaluation,
        @JsonProperty("weights_sha256") String weightsSha256,
        @JsonProperty("lineage") Map<String, Object> lineage,
        @JsonProperty("preprocessing") Map<String, Object> preprocessing,
        // absent, not {}, where no gate decided (offline training)
        @JsonProperty("promotion") @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Object> promotion) {

    public static final int CURRENT_FORMAT_VERSION = 1;

    /** Every field but evaluation, which a model that was never evaluated legitimately lacks. */
    private static final List<String> REQUIRED_FIELDS = List.of("format_version", "catalog", "model_version",
            "step", "created_at_millis", "architecture", "hyper_parameters", "weights_sha256");
    private static final Pattern LOWERCASE_SHA256 = Pattern.compile("[0-9a-f]{64}");

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    public CheckpointMetadata {
        if (formatVersion < 1 || formatVersion > CURRENT_FORMAT_VERSION) {
            throw new IllegalArgumentException("checkpoint metadata format_version " + formatVersion
                    + " is not supported; this reader understands 1 to " + CURRENT_FORMAT_VERSION);
        }
        if (catalog == null || catalog.isBlank()) {
            throw new IllegalArgumentException("catalog must be named (use \"offline\" outside a catalog)");
        }
        if (modelVersion < 0 || step < 0) {
            throw new IllegalArgumentException(
                    "model_version and step must be non-negative, got " + modelVersion + " and " + step);
        }
        architecture = frozenCopy(Objects.requireNonNull(architecture, "architecture"));
        hyperParameters = frozenCopy(Objects.requireNonNull(hyperParameters, "hyperParameters"));
        evaluation = frozenCopy(evaluation == null ? Map.of() : evaluation);
        lineage = frozenCopy(lineage == null ? Map.of() : lineage);
        preprocessing = frozenCopy(preprocessing == null ? Map.of() : preprocessing);
        promotion = frozenCopy(promotion == null ? Map.of() : promotion);
        if (evaluation.containsValue(null)) {
            throw new IllegalArgumentException("evaluation figures must not be null: " + evaluation);
        }
        if (weightsSha256 != null && !LOWERCASE_SHA256.matcher(weightsSha256).matches()) {
            throw new IllegalArgumentException(
                    "weights_sha256 must be 64 lowercase hex digits, got '" + weightsSha256 + "'");
        }
    }

    /** Metadata in the current format whose weights digest is still to be filled by {@link Checkpoint#of}. */
    public static CheckpointMetadata withoutWeightsSha(String catalog, long modelVersion, long step,
            long createdAtMillis, Map<String, Object> architecture, Map<String, Object> hyperParameters,
            Map<String, Double> evaluation) {
        return new CheckpointMetadata(CURRENT_FORMAT_VERSION, catalog, modelVersion, step, createdAtMillis,
                architecture, hyperParameters, evaluation, null, Map.of(), Map.of(), Map.of());
    }

    public CheckpointMetadata withWeightsSha256(String sha256) {
        return new CheckpointMetadata(formatVersion, catalog, modelVersion, step, createdAtMillis,
                architecture, hyperParameters, evaluation, sha256, lineage, preprocessing, promotion);
    }

    /**
     * The same metadata with where these weights came from, e.g. the digest of the weights a
     * restored job resumed from; optional, empty when the model trained without interruption.
     */
    public CheckpointMetadata withLineage(Map<String, Object> value) {
        return new CheckpointMetadata(formatVersion, catalog, modelVersion, step, createdAtMillis,
                architecture, hyperParameters, evaluation, weightsSha256, value, preprocessing, promotion);
    }

    /**
     * The same metadata with what images go through before the network (resize, crop, mean/std:
     * {@code io.streamsynth.model.image.ImageSpec#toMap}), so a query can be embedded the same way
     * outside the JVM; empty in checkpoints written before preprocessing existed.
     */
    public CheckpointMetadata withPreprocessing(Map<String, Object> value) {
        return new CheckpointMetadata(formatVersion, catalog, modelVersion, step, createdAtMillis,
                architecture, hyperParameters, evaluation, weightsSha256, lineage, value, promotion);
    }

    /**
     * The same metadata with the promotion gate's decision on this version (streaming trainer only):
     * {@code promoted}, {@code reason}, {@code serving_version} and the figures compared, see the
     * README ("Promotion gate"); empty in offline checkpoints and in those written before the gate.
     */
    public CheckpointMetadata withPromotion(Map<String, Object> value) {
        return new CheckpointMetadata(formatVersion, catalog, modelVersion, step, createdAtMillis,
                architecture, hyperParameters, evaluation, weightsSha256, lineage, preprocessing, value);
    }

    /**
     * Whether the promotion gate promoted this version; true for checkpoints that carry no decision
     * (offline training, or written before the gate existed, when every version was served).
     */
    public boolean promoted() {
        return !Boolean.FALSE.equals(promotion.get("promoted"));
    }

    /** Compact UTF-8 JSON, as embedded in an encoded checkpoint. */
    public byte[] toJson() {
        return render(false);
    }

    /** Indented UTF-8 JSON, for files people read. */
    public byte[] toPrettyJson() {
        return render(true);
    }

    /**
     * Parses metadata JSON.
     *
     * @throws IllegalArgumentException when the JSON is malformed, lacks a required field, or holds
     *     a value the record rejects
     */
    public static CheckpointMetadata fromJson(byte[] json) {
        Objects.requireNonNull(json, "json");
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("checkpoint metadata is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("checkpoint metadata must be a JSON object");
        }
        // Checked by hand: Jackson would quietly default a missing number to 0.
        for (String field : REQUIRED_FIELDS) {
            if (!root.hasNonNull(field)) {
                throw new IllegalArgumentException("checkpoint metadata is missing required field '" + field + "'");
            }
        }
        try {
            return MAPPER.treeToValue(root, CheckpointMetadata.class);
        } catch (JacksonException e) {
            if (e.getCause() instanceof IllegalArgumentException invalid) {
                throw new IllegalArgumentException("checkpoint metadata is invalid: " + invalid.getMessage(), invalid);
            }
            throw new IllegalArgumentException("checkpoint metadata is invalid: " + e.getOriginalMessage(), e);
        }
    }

    private byte[] render(boolean pretty) {
        if (weightsSha256 == null) {
            throw new IllegalStateException("weights_sha256 is not set; build the checkpoint with Checkpoint.of");
        }
        try {
            return pretty ? MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(this) : MAPPER.writeValueAsBytes(this);
        } catch (JacksonException e) {
            throw new IllegalStateException("could not serialise checkpoint metadata: " + e.getOriginalMessage(), e);
        }
    }

    private static <V> Map<String, V> frozenCopy(Map<String, V> map) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
