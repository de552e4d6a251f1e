package io.streamsynth.pipeline.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class VersionMarkerTest {
    @Test
    void readsTheContractsMarkerAndIgnoresUnknownFields() {
        VersionMarker m = VersionMarker.decode(("{\"schema_version\":1,\"catalog\":\"fashion\",\"model_version\":7,"
                + "\"status\":\"complete\",\"items\":1234,\"time_millis\":1767225600000,\"checkpoint_sha256\":\"ab\","
                + "\"weights_sha256\":\"cd\",\"future\":{\"x\":1}}").getBytes(StandardCharsets.UTF_8));
        assertThat(m).isEqualTo(new VersionMarker("fashion", 7, VersionMarker.Status.COMPLETE, 1234));
        assertThat(VersionMarker.decode(("{\"schema_version\":1,\"catalog\":\"f\",\"model_version\":3,"
                + "\"status\":\"superseded\",\"items\":5}").getBytes(StandardCharsets.UTF_8)).status())
                .isEqualTo(VersionMarker.Status.SUPERSEDED);
    }

    @Test
    void refusesWhatIsNotASchemaOneMarkerWithTheReason() {
        assertThatThrownBy(() -> VersionMarker.decode("{\"schema_version\":2}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("schema_version 2");
        assertThatThrownBy(() -> VersionMarker.decode(("{\"schema_version\":1,\"catalog\":\"f\",\"model_version\":-1,"
                + "\"status\":\"complete\",\"items\":5}").getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("'model_version'");
        assertThatThrownBy(() -> VersionMarker.decode("not json".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("not JSON");
    }
}
