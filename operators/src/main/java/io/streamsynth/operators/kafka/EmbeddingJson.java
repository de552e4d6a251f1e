package io.streamsynth.operators.kafka;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import io.streamsynth.operators.types.ItemEmbedding;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * The embedding wire format (topic {@code embeddings}, key: {@link io.streamsynth.operators.types.ItemKey},
 * the JSON array {@code [catalog, item_id]}), schema version 1:
 *
 * <pre>{@code
 * {"schema_version":1, "catalog":"fashion", "item_id":"sku-123", "label":"sneaker" (or null),
 *  "model_version":7, "item_revision":2, "dim":3, "vector":[0.12,-0.5,0.85]}
 * }</pre>
 *
 * <p>{@code item_revision} counts the images of the item's current life (1 for the first); records
 * written before it existed lack it and read as 0. Per key, the records of one item's life carry
 * strictly increasing (model_version, item_revision), compared in that order. A deleted item's record
 * is a tombstone: its key with a null value, which {@link #decode} refuses (a reader checks for it
 * first).
 *
 * <p>Vector values are float32 written in the shortest decimal form that reads back to the same
 * float, so the round trip is exact. Readers ignore unknown keys and reject everything else that
 * breaks the format.
 */
public final class EmbeddingJson {

    public static final int SCHEMA_VERSION = 1;

    static final String SCHEMA_VERSION_FIELD = "schema_version";
    static final String CATALOG = "catalog";
    static final String ITEM_ID = "item_id";
    static final String LABEL = "label";
    static final String MODEL_VERSION = "model_version";
    static final String ITEM_REVISION = "item_revision";
    static final String DIM = "dim";
    static final String VECTOR = "vector";

    /**
     * Jackson's fast float reader and writer (FastDoubleParser, Schubfach) give the same floats: parsing
     * is exact either way, and every float written reads back bit for bit (EmbeddingJsonTest). Reading a
     * 128-d vector took 200 us with the JDK's parser against 15 us, and the quickstart reads every one
     * of its ~80,000 embeddings on the cores the job trains on.
     */
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .build();

    private EmbeddingJson() {
    }

    public static byte[] encode(ItemEmbedding embedding) {
        checkEncodable(embedding);
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 12 * embedding.vector.length);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeNumberField(SCHEMA_VERSION_FIELD, SCHEMA_VERSION);
            json.writeStringField(CATALOG, embedding.catalog);
            json.writeStringField(ITEM_ID, embedding.itemId);
            json.writeStringField(LABEL, embedding.label);
            json.writeNumberField(MODEL_VERSION, embedding.modelVersion);
            json.writeNumberField(ITEM_REVISION, embedding.itemRevision);
            json.writeNumberField(DIM, embedding.vector.length);
            json.writeArrayFieldStart(VECTOR);
            for (float value : embedding.vector) {
                json.writeNumber(value);
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            // Writing to memory does not fail with I/O errors.
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Reads an embedding record's value, strictly. */
    public static ItemEmbedding decode(byte[] value) {
        if (value == null) {
            throw new WireFormatException("embedding record has no value (a tombstone: the item was deleted)");
        }
        try (JsonParser json = JSON.createParser(value)) {
            return new Reader(json).read();
        } catch (JacksonException e) {
            throw new WireFormatException("embedding record is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void checkEncodable(ItemEmbedding embedding) {
        if (embedding.deleted) {
            throw new IllegalArgumentException("item " + embedding.itemId + " was deleted: its record is a "
                    + "tombstone, which has no value to encode");
        }
        if (embedding.catalog == null || embedding.itemId == null || embedding.vector == null) {
            throw new IllegalArgumentException("an embedding needs a catalog, an item id and a vector");
        }
        for (int i = 0; i < embedding.vector.length; i++) {
            if (!Float.isFinite(embedding.vector[i])) {
                throw new IllegalArgumentException("embedding of item " + embedding.itemId + " has "
                        + embedding.vector[i] + " at index " + i + "; JSON has no non-finite numbers");
            }
        }
    }

    /** One pass over the fields of one record, in any order. */
    private static final class Reader {
        private final JsonParser json;
        private Integer schemaVersion;
        private String catalog;
        private String itemId;
        private String label;
        private Long modelVersion;
        private long itemRevision;
        private Integer dim;
        private float[] vector;

        Reader(JsonParser json) {
            this.json = json;
        }

        ItemEmbedding read() throws IOException {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw new WireFormatException("embedding record must be a JSON object");
            }
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                json.nextToken();
                readField(field);
            }
            if (json.nextToken() != null) {
                throw new WireFormatException("embedding record has content after its JSON object");
            }
            return build();
        }

        private void readField(String field) throws IOException {
            switch (field) {
                case SCHEMA_VERSION_FIELD -> schemaVersion = (int) integer(field, Integer.MAX_VALUE);
                case CATALOG -> catalog = string(field, false);
                case ITEM_ID -> itemId = string(field, false);
                case LABEL -> label = string(field, true);
                case MODEL_VERSION -> modelVersion = integer(field, Long.MAX_VALUE);
                case ITEM_REVISION -> itemRevision = integer(field, Long.MAX_VALUE);
                case DIM -> dim = (int) integer(field, Integer.MAX_VALUE);
                case VECTOR -> vector = floats();
                default -> json.skipChildren();
            }
        }

        private ItemEmbedding build() {
            if (schemaVersion == null) {
                throw missing(SCHEMA_VERSION_FIELD);
            }
            if (schemaVersion != SCHEMA_VERSION) {
                throw new WireFormatException("embedding schema_version " + schemaVersion
                        + " is not supported; this reader knows version " + SCHEMA_VERSION);
            }
            if (catalog == null) {
                throw missing(CATALOG);
            }
            if (itemId == null) {
                throw missing(ITEM_ID);
            }
            if (modelVersion == null) {
                throw missing(MODEL_VERSION);
            }
            if (dim == null) {
                throw missing(DIM);
            }
            if (vector == null) {
                throw missing(VECTOR);
            }
            if (vector.length != dim) {
                throw new WireFormatException("embedding declares dim " + dim + " but its vector has "
                        + vector.length + " values");
            }
            return new ItemEmbedding(catalog, itemId, label, modelVersion, itemRevision, vector);
        }

        private String string(String field, boolean nullable) throws IOException {
            if (nullable && json.currentToken() == JsonToken.VALUE_NULL) {
                return null;
            }
            if (json.currentToken() != JsonToken.VALUE_STRING) {
                throw wrongType(field, nullable ? "a string or null" : "a string");
            }
            return json.getText();
        }

        private long integer(String field, long max) throws IOException {
            if (json.currentToken() != JsonToken.VALUE_NUMBER_INT) {
                throw wrongType(field, "an integer");
            }
            if (json.getNumberType() == JsonParser.NumberType.BIG_INTEGER || json.getLongValue() < 0
                    || json.getLongValue() > max) {
                throw new WireFormatException("embedding field '" + field + "' must be between 0 and " + max
                        + ", got " + json.getText());
            }
            return json.getLongValue();
        }

        private float[] floats() throws IOException {
            if (json.currentToken() != JsonToken.START_ARRAY) {
                throw wrongType(VECTOR, "an array of numbers");
            }
            float[] values = new float[64];
            int count = 0;
            for (JsonToken token = json.nextToken(); token != JsonToken.END_ARRAY; token = json.nextToken()) {
                if (token != JsonToken.VALUE_NUMBER_FLOAT && token != JsonToken.VALUE_NUMBER_INT) {
                    throw wrongType(VECTOR + "[" + count + "]", "a number");
                }
                // getFloatValue parses the text as a float directly; going through double could
                // round twice and miss the float that was written.
                float value = json.getFloatValue();
                if (!Float.isFinite(value)) {
                    throw new WireFormatException("embedding vector[" + count + "] = " + json.getText()
                            + " does not fit a float32");
                }
                if (count == values.length) {
                    values = Arrays.copyOf(values, count * 2);
                }
                values[count++] = value;
            }
            return Arrays.copyOf(values, count);
        }

        private WireFormatException wrongType(String field, String expected) {
            return new WireFormatException("embedding field '" + field + "' must be " + expected + ", got "
                    + json.currentToken());
        }

        private static WireFormatException missing(String field) {
            return new WireFormatException("embedding record lacks the field '" + field + "'");
        }
    }
}
