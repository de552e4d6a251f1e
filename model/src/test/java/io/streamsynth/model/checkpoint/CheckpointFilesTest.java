package io.streamsynth.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointFilesTest {

    @TempDir
    Path dir;

    @Test
    void exportsWeightsUnchangedAndReadableMetadata() throws Exception {
        Checkpoint checkpoint = TestCheckpoints.checkpoint();
        Path weights = dir.resolve("model.safetensors");
        Path metadata = dir.resolve("model.json");

        CheckpointFiles.export(checkpoint, weights, metadata);

        assertThat(Files.readAllBytes(weights)).isEqualTo(checkpoint.weights());
        assertThat(Sha256.hex(Files.readAllBytes(weights))).isEqualTo(checkpoint.metadata().weightsSha256());
        assertThat(SafeTensors.read(Files.readAllBytes(weights)).tensors()).containsKey("layer0.weight");
        byte[] json = Files.readAllBytes(metadata);
        assertThat(new String(json, java.nio.charset.StandardCharsets.UTF_8)).contains("\n");
        assertThat(CheckpointMetadata.fromJson(json)).isEqualTo(checkpoint.metadata());
    }

    @Test
    void replacesEarlierExportsAndLeavesNoTemporaryFiles() throws Exception {
        Path weights = dir.resolve("model.safetensors");
        Path metadata = dir.resolve("model.json");
        Files.writeString(weights, "stale content that is longer than nothing at all");
        Files.writeString(metadata, "stale");
        Checkpoint checkpoint = TestCheckpoints.checkpoint();

        CheckpointFiles.export(checkpoint, weights, metadata);

        assertThat(Files.readAllBytes(weights)).isEqualTo(checkpoint.weights());
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                    "model.safetensors", "model.json");
        }
    }

    @Test
    void createsMissingDirectories() throws Exception {
        Path weights = dir.resolve("exports/v3/model.safetensors");

        CheckpointFiles.export(TestCheckpoints.checkpoint(), weights, dir.resolve("exports/v3/model.json"));

        assertThat(weights).exists();
    }

    @Test
    void refusesToWriteBothToTheSameFile() {
        Path same = dir.resolve("model.bin");

        assertThatThrownBy(() -> CheckpointFiles.export(TestCheckpoints.checkpoint(), same, same))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("different files");
    }
}
