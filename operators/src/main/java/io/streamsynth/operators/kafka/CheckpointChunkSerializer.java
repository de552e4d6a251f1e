package io.streamsynth.operators.kafka;

import io.streamsynth.operators.types.CheckpointChunk;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes a checkpoint chunk with the headers of {@link CheckpointChunkHeaders}. The key is the
 * catalog, so all chunks of a catalog go to one partition and arrive in the order written.
 */
public class CheckpointChunkSerializer implements KafkaRecordSerializationSchema<CheckpointChunk> {

    private static final long serialVersionUID = 1L;

    private final String topic;

    public CheckpointChunkSerializer(String topic) {
        this.topic = ProducerRecords.requireTopic("checkpoints topic", topic);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(CheckpointChunk chunk, KafkaSinkContext context,
            Long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        Utf8Headers.add(headers, CheckpointChunkHeaders.VERSION, Long.toString(chunk.version));
        Utf8Headers.add(headers, CheckpointChunkHeaders.CHUNK_INDEX, Integer.toString(chunk.index));
        Utf8Headers.add(headers, CheckpointChunkHeaders.CHUNK_COUNT, Integer.toString(chunk.count));
        Utf8Headers.add(headers, CheckpointChunkHeaders.TOTAL_BYTES, Long.toString(chunk.totalBytes));
        Utf8Headers.add(headers, CheckpointChunkHeaders.SHA256, chunk.sha256);
        Utf8Headers.add(headers, CheckpointChunkHeaders.FORMAT, CheckpointChunkHeaders.FORMAT_VALUE);
        return new ProducerRecord<>(topic, null, ProducerRecords.timestamp(timestamp),
                chunk.catalog.getBytes(StandardCharsets.UTF_8), chunk.bytes, headers);
    }
}
