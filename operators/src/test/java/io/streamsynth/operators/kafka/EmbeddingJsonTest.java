package io.streamsynth.operators.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamsynth.operators.types.ItemEmbedding;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class EmbeddingJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void writesTheDocumentedFields() throws Exception {
        ItemEmbedding embedding = new ItemEmbedding("fashion", "sku-1", "sneaker", 7, 3, new float[] {0.5f, -1f});

        JsonNode json = JSON.readTree(EmbeddingJson.encode(embedding));

        assertThat(json.get("schema_version").intValue()).isEqualTo(1);
        assertThat(json.get("catalog").textValue()).isEqualTo("fashion");
        assertThat(json.get("item_id").textValue()).isEqualTo("sku-1");
        assertThat(json.get("label").textValue()).isEqualTo("sneaker");
        assertThat(json.get("model_version").longValue()).isEqualTo(7);
        assertThat(json.get("item_revision").longValue()).isEqualTo(3);
        assertThat(json.get("dim").intValue()).isEqualTo(2);
        assertThat(json.get("vector").get(0).floatValue()).isEqualTo(0.5f);
        assertThat(json.get("vector").get(1).floatValue()).isEqualTo(-1f);
    }

    @Test
    void roundTripKeepsEveryFloatBitForBit() {
        Random random = new Random(11);
        float[] vector = new float[512];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = Float.intBitsToFloat(random.nextInt()) % 1e6f;
            if (!Float.isFinite(vector[i])) {
                vector[i] = random.nextFloat();
            }
        }
        vector[0] = Float.MIN_VALUE;
        vector[1] = -Float.MAX_VALUE;
        vector[2] = -0f;

        ItemEmbedding decoded = EmbeddingJson.decode(EmbeddingJson.encode(
                new ItemEmbedding("c", "i", null, Long.MAX_VALUE, 1, vector)));

        assertThat(decoded.vector).containsExactly(vector);
        assertThat(decoded.label).isNull();
        assertThat(decoded.modelVersion).isEqualTo(Long.MAX_VALUE);
        assertThat(Float.floatToRawIntBits(decoded.vector[2])).isEqualTo(Float.floatToRawIntBits(-0f));
    }

    @Test
    void decodeAcceptsFieldsInAnyOrderAndIgnoresUnknownOnes() {
        ItemEmbedding decoded = decode("{\"vector\":[1,2.5],\"dim\":2,\"model_version\":3,\"extra\":{\"a\":[1]},"
                + "\"item_id\":\"i\",\"catalog\":\"c\",\"schema_version\":1}");

        assertThat(decoded.vector).containsExactly(1f, 2.5f);
        assertThat(decoded.label).isNull();
        assertThat(decoded.itemRevision).as("absent on records written before revisions").isZero();
    }

    @Test
    void revisionRoundTrips() {
        ItemEmbedding decoded = EmbeddingJson.decode(EmbeddingJson.encode(
                new ItemEmbedding("c", "i", "l", 4, 9, new float[] {1f})));

        assertThat(decoded.modelVersion).isEqualTo(4);
        assertThat(decoded.itemRevision).isEqualTo(9);
    }

    @Test
    void decodeRejectsWhatBreaksTheFormatWithAClearMessage() {
        String valid = "\"catalog\":\"c\",\"item_id\":\"i\",\"label\":null,\"model_version\":3,\"dim\":2,\"vector\":[1,2]";

        assertThatThrownBy(() -> decode("{" + valid + "}")).hasMessageContaining("schema_version");
        assertThatThrownBy(() -> decode("{\"schema_version\":2," + valid + "}")).hasMessageContaining("version 2");
        assertThatThrownBy(() -> decode("{\"schema_version\":1," + valid.replace("\"dim\":2", "\"dim\":3") + "}"))
                .hasMessageContaining("dim 3");
        assertThatThrownBy(() -> decode("{\"schema_version\":1," + valid.replace("[1,2]", "[1,\"2\"]") + "}"))
                .hasMessageContaining("vector[1]");
        assertThatThrownBy(() -> decode("{\"schema_version\":1," + valid.replace("\"c\"", "5") + "}"))
                .hasMessageContaining("catalog");
        assertThatThrownBy(() -> decode("{\"schema_version\":1," + valid.replace("[1,2]", "[1,1e39]") + "}"))
                .hasMessageContaining("float32");
        assertThatThrownBy(() -> decode("{\"schema_version\":1," + valid + ",\"dim\":2}"))
                .hasMessageContaining("Duplicate");
        assertThatThrownBy(() -> decode("{\"schema_version\":1," + valid + "} x")).isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> decode("[]")).hasMessageContaining("object");
        assertThatThrownBy(() -> EmbeddingJson.decode(null)).hasMessageContaining("tombstone");
        assertThatThrownBy(() -> decode("{\"schema_version\":1," + valid + ",\"item_revision\":-1}"))
                .hasMessageContaining("item_revision");
    }

    @Test
    void nonFiniteValuesCannotBeEncoded() {
        ItemEmbedding embedding = new ItemEmbedding("c", "i", "l", 1, 1, new float[] {1f, Float.NaN});

        assertThatThrownBy(() -> EmbeddingJson.encode(embedding)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("index 1");
    }

    @Test
    void serializerKeysByCatalogAndItemAndWritesTheJson() {
        ItemEmbedding embedding = new ItemEmbedding("fashion", "sku-\u00e9", "l", 2, 1, new float[] {1f});

        ProducerRecord<byte[], byte[]> record = new EmbeddingSerializer("embeddings").serialize(embedding, null, 5L);

        assertThat(record.topic()).isEqualTo("embeddings");
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("[\"fashion\",\"sku-\u00e9\"]");
        assertThat(EmbeddingJson.decode(record.value()).itemId).isEqualTo("sku-\u00e9");
        assertThat(record.timestamp()).isEqualTo(5L);
    }

    @Test
    void serializerWritesADeletedItemAsATombstoneUnderTheSameKey() {
        EmbeddingSerializer serializer = new EmbeddingSerializer("embeddings");
        ProducerRecord<byte[], byte[]> live = serializer.serialize(
                new ItemEmbedding("fashion", "sku-1", "l", 2, 1, new float[] {1f}), null, 5L);

        ProducerRecord<byte[], byte[]> tombstone = serializer.serialize(
                ItemEmbedding.tombstone("fashion", "sku-1"), null, 6L);

        assertThat(tombstone.value()).isNull();
        assertThat(tombstone.key()).isEqualTo(live.key());
        assertThatThrownBy(() -> EmbeddingJson.encode(ItemEmbedding.tombstone("fashion", "sku-1")))
                .hasMessageContaining("tombstone");
    }

    private static ItemEmbedding decode(String json) {
        return EmbeddingJson.decode(json.getBytes(StandardCharsets.UTF_8));
    }
}
