package io.streamsynth.operators.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsynth.model.checkpoint.Sha256;
import io.streamsynth.operators.types.CheckpointChunk;
import io.streamsynth.operators.types.ModelRelease;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

class CheckpointChunkerTest {

    static ModelRelease release(String catalog, long version, int size) {
        byte[] bytes = new byte[size];
        new Random(version * 31 + size).nextBytes(bytes);
        return new ModelRelease(catalog, version, version * 10, 1000L, 500L, bytes);
    }

    @Test
    void chunksJoinedInOrderGiveBackTheCheckpoint() {
        ModelRelease release = release("fashion", 3, 1000);

        for (int maxChunk : new int[] {1, 7, 100, 999, 1000, 1001, 1 << 20}) {
            List<CheckpointChunk> chunks = CheckpointChunker.split(release, maxChunk);

            ByteArrayOutputStream joined = new ByteArrayOutputStream();
            chunks.forEach(chunk -> joined.writeBytes(chunk.bytes));
            assertThat(joined.toByteArray()).as("chunks of %d bytes", maxChunk).isEqualTo(release.checkpoint);
            assertThat(chunks).hasSize((1000 + maxChunk - 1) / maxChunk);
        }
    }

    @Test
    void everyChunkCarriesPositionCountSizeAndDigest() {
        ModelRelease release = release("fashion", 4, 250);

        List<CheckpointChunk> chunks = CheckpointChunker.split(release, 100);

        assertThat(chunks).extracting(chunk -> chunk.index).containsExactly(0, 1, 2);
        assertThat(chunks).extracting(chunk -> chunk.bytes.length).containsExactly(100, 100, 50);
        assertThat(chunks).allSatisfy(chunk -> {
            assertThat(chunk.catalog).isEqualTo("fashion");
            assertThat(chunk.version).isEqualTo(4);
            assertThat(chunk.count).isEqualTo(3);
            assertThat(chunk.totalBytes).isEqualTo(250);
            assertThat(chunk.sha256).isEqualTo(Sha256.hex(release.checkpoint));
        });
    }

    @Test
    void checkpointThatFitsIsOneChunk() {
        List<CheckpointChunk> chunks = CheckpointChunker.split(release("fashion", 1, 64), 64);

        assertThat(chunks).hasSize(1);
        assertThat(chunks.get(0).count).isEqualTo(1);
    }

    @Test
    void emptyCheckpointIsOneEmptyChunk() {
        List<CheckpointChunk> chunks = CheckpointChunker.split(release("fashion", 1, 0), 64);

        assertThat(chunks).singleElement().satisfies(chunk -> assertThat(chunk.bytes).isEmpty());
    }

    @Test
    void flinkFunctionEmitsTheSameChunks() {
        List<CheckpointChunk> out = new ArrayList<>();
        new ChunkCheckpoints(100).flatMap(release("fashion", 2, 350), new Collector<>() {
            @Override
            public void collect(CheckpointChunk chunk) {
                out.add(chunk);
            }

            @Override
            public void close() {
            }
        });

        assertThat(out).extracting(chunk -> chunk.index).containsExactly(0, 1, 2, 3);
    }

    @Test
    void chunkSizeMustBePositive() {
        assertThatThrownBy(() -> new ChunkCheckpoints(0)).hasMessageContaining("maxChunkBytes");
        assertThatThrownBy(() -> CheckpointChunker.split(release("c", 1, 1), -1)).hasMessageContaining("maxChunkBytes");
    }
}
