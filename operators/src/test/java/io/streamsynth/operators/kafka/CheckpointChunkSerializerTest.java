package io.streamsynth.operators.kafka;

import static io.streamsynth.operators.kafka.DeadLetterSerializerTest.header;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.operators.types.CheckpointChunk;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class CheckpointChunkSerializerTest {

    @Test
    void writesCatalogKeyChunkBytesAndTheDocumentedHeaders() {
        String sha = "ab".repeat(32);
        byte[] bytes = {1, 2, 3};
        CheckpointChunk chunk = new CheckpointChunk("fashion", 12, 2, 5, 4_000_000_000L, sha, bytes);

        ProducerRecord<byte[], byte[]> record = new CheckpointChunkSerializer("checkpoints").serialize(chunk, null, 7L);

        assertThat(record.topic()).isEqualTo("checkpoints");
        assertThat(record.key()).isEqualTo("fashion".getBytes(StandardCharsets.UTF_8));
        assertThat(record.value()).isEqualTo(bytes);
        assertThat(header(record, "streamsynth.checkpoint.version")).isEqualTo("12");
        assertThat(header(record, "streamsynth.checkpoint.chunk.index")).isEqualTo("2");
        assertThat(header(record, "streamsynth.checkpoint.chunk.count")).isEqualTo("5");
        assertThat(header(record, "streamsynth.checkpoint.total.bytes")).isEqualTo("4000000000");
        assertThat(header(record, "streamsynth.checkpoint.sha256")).isEqualTo(sha);
        assertThat(header(record, "streamsynth.checkpoint.format")).isEqualTo("ssck-1");
    }
}
