package io.streamsynth.model.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArchitectureTest {
    private static final Architecture CNN = new Architecture(Architecture.Kind.CNN, 1, 28, 28, 64, 32);

    @Test
    void newNetworksPoolAfterEveryBlockAndSayItInTheirMetadata() {
        assertThat(CNN.cnnMaxPools()).isEqualTo(3);
        assertThat(CNN.toMap()).containsEntry("cnn_max_pools", 3);
        assertThat(Architecture.fromMap(CNN.toMap())).isEqualTo(CNN);
    }

    @Test
    void metadataWithoutThePoolCountRebuildsTheTwoPoolNetworkItWasWrittenFor() {
        Map<String, Object> old = new HashMap<>(CNN.toMap());
        old.remove("cnn_max_pools");
        Architecture read = Architecture.fromMap(old);
        assertThat(read.cnnMaxPools()).isEqualTo(2);
        assertThat(read).isEqualTo(new Architecture(Architecture.Kind.CNN, 1, 28, 28, 64, 32, 2));
    }

    @Test
    void rejectsAPoolCountOutsideTheThreeBlocks() {
        assertThatThrownBy(() -> new Architecture(Architecture.Kind.CNN, 1, 28, 28, 64, 32, 4))
                .hasMessageContaining("cnn max poolings must be within 0..3, got 4");
    }

    @Test
    void aResnetSavedBeforeBackboneFilesWereRecordedFitsTheSameNetworkWithOne() {
        Architecture configured = new Architecture(Architecture.Kind.RESNET18, 3, 32, 32, 8, 64)
                .withBackboneSha256("a".repeat(64));
        Architecture old = new Architecture(Architecture.Kind.RESNET18, 3, 32, 32, 8, 64);

        assertThat(configured.accepts(old)).isTrue();
        assertThat(configured.accepts(configured.withBackboneSha256("b".repeat(64)))).isFalse();
        assertThat(old.accepts(configured)).isFalse();
        assertThat(configured.accepts(new Architecture(Architecture.Kind.RESNET18, 3, 32, 32, 16, 64))).isFalse();
    }

    @Test
    void theSmallCnnHasNoBackboneFile() {
        assertThatThrownBy(() -> CNN.withBackboneSha256("a".repeat(64)))
                .hasMessageContaining("the small cnn starts from random weights");
    }
}
