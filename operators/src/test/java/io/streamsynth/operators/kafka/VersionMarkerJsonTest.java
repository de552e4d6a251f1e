package io.streamsynth.operators.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsynth.operators.types.VersionMarker;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class VersionMarkerJsonTest {
    private static final String SHA = "ab".repeat(32);

    @Test
    void writesTheDocumentedFieldsInOrderAndReadsThemBack() {
        VersionMarker m = new VersionMarker("fashion", 7, VersionMarker.COMPLETE, 1234, 1767225600000L, SHA,
                "cd".repeat(32));
        String json = new String(VersionMarkerJson.encode(m), StandardCharsets.UTF_8);
        assertThat(json).isEqualTo("{\"schema_version\":1,\"catalog\":\"fashion\",\"model_version\":7,"
                + "\"status\":\"complete\",\"items\":1234,\"time_millis\":1767225600000,\"checkpoint_sha256\":\""
                + SHA + "\",\"weights_sha256\":\"" + "cd".repeat(32) + "\"}");
        VersionMarker back = VersionMarkerJson.decode(json.getBytes(StandardCharsets.UTF_8));
        assertThat(back).usingRecursiveComparison().isEqualTo(m);
    }

    @Test
    void readersIgnoreUnknownFieldsAndRefuseAnUnknownStatusOrSchema() {
        VersionMarker m = VersionMarkerJson.decode(("{\"schema_version\":1,\"catalog\":\"c\",\"model_version\":2,"
                + "\"status\":\"superseded\",\"items\":3,\"time_millis\":4,\"checkpoint_sha256\":null,"
                + "\"weights_sha256\":null,\"later\":{\"x\":1}}").getBytes(StandardCharsets.UTF_8));
        assertThat(m.toString()).isEqualTo("c v2 superseded (3 items)");
        assertThatThrownBy(() -> VersionMarkerJson.decode(("{\"schema_version\":1,\"catalog\":\"c\",\"model_version\":2,"
                + "\"status\":\"partial\",\"items\":3,\"time_millis\":4}").getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("'partial'");
        assertThatThrownBy(() -> VersionMarkerJson.decode("{\"schema_version\":2}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("schema_version 2");
        assertThatThrownBy(() -> VersionMarkerJson.decode(("{\"schema_version\":1,\"catalog\":\"c\",\"model_version\":"
                + "\"2\",\"status\":\"complete\",\"items\":3,\"time_millis\":4}").getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("integer model_version");
    }

    @Test
    void theIndexsReaderKeepsAnUnknownStatusAsNeitherCompleteNorSuperseded() {
        byte[] partial = ("{\"schema_version\":1,\"catalog\":\"c\",\"model_version\":2,\"status\":\"partial\","
                + "\"items\":3,\"time_millis\":4}").getBytes(StandardCharsets.UTF_8);
        VersionMarker m = VersionMarkerJson.decodeAnyStatus(partial);
        assertThat(m.status).isEqualTo("partial");
        assertThat(m.isComplete()).isFalse();
        assertThat(m.isSuperseded()).isFalse();
        assertThat(VersionMarkerJson.decodeAnyStatus(VersionMarkerJson.encode(new VersionMarker("c", 5,
                VersionMarker.SUPERSEDED, 1, 4, SHA, SHA))).isSuperseded()).isTrue();
        // everything but the status is as strict as decode
        assertThatThrownBy(() -> VersionMarkerJson.decodeAnyStatus("{\"schema_version\":2}"
                .getBytes(StandardCharsets.UTF_8))).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("schema_version 2");
    }

    @Test
    void refusesNegativeCountsAnEmptyCatalogAndWhatIsNotJson() {
        assertThatThrownBy(() -> VersionMarkerJson.decode(("{\"schema_version\":1,\"catalog\":\"c\",\"model_version\":"
                + "-1,\"status\":\"complete\",\"items\":3,\"time_millis\":4}").getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("non-negative integer model_version");
        assertThatThrownBy(() -> VersionMarkerJson.decode(("{\"schema_version\":1,\"catalog\":\"c\",\"model_version\":"
                + "1,\"status\":\"complete\",\"items\":-3,\"time_millis\":4}").getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("non-negative integer items");
        assertThatThrownBy(() -> VersionMarkerJson.decodeAnyStatus(("{\"schema_version\":1,\"catalog\":\"\","
                + "\"model_version\":1,\"status\":\"complete\",\"items\":3,\"time_millis\":4}")
                .getBytes(StandardCharsets.UTF_8))).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("non-empty catalog");
        assertThatThrownBy(() -> VersionMarkerJson.decodeAnyStatus("not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> VersionMarkerJson.decodeAnyStatus(null)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("no value");
    }

    @Test
    void theSerializerKeysByTheCatalogsUtf8Bytes() {
        ProducerRecord<byte[], byte[]> r = new VersionMarkerSerializer("embedding-versions").serialize(
                new VersionMarker("köln", 1, VersionMarker.SUPERSEDED, 0, 5, SHA, SHA), null, 42L);
        assertThat(r.topic()).isEqualTo("embedding-versions");
        assertThat(r.key()).isEqualTo("köln".getBytes(StandardCharsets.UTF_8));
        assertThat(r.timestamp()).isEqualTo(42L);
        assertThat(VersionMarkerJson.decode(r.value()).status).isEqualTo("superseded");
    }
}
