package io.streamsynth.operators.kafka;

import io.streamsynth.operators.types.CheckpointChunk;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.record.TimestampType;

/** Checkpoint chunks as a consumer would read them: through the serializer and back. */
final class ChunkRecords {

    private static final CheckpointChunkSerializer SERIALIZER = new CheckpointChunkSerializer("checkpoints");

    private ChunkRecords() {
    }

    static ConsumerRecord<byte[], byte[]> consumed(CheckpointChunk chunk) {
        return consumed(SERIALIZER.serialize(chunk, null, null));
    }

    static ConsumerRecord<byte[], byte[]> consumed(ProducerRecord<byte[], byte[]> sent) {
        return new ConsumerRecord<>(sent.topic(), 0, 0L, 0L, TimestampType.CREATE_TIME, sent.key().length,
                sent.value().length, sent.key(), sent.value(), sent.headers(), Optional.empty());
    }

    static List<ConsumerRecord<byte[], byte[]>> consumed(List<CheckpointChunk> chunks) {
        return chunks.stream().map(ChunkRecords::consumed).toList();
    }
}
