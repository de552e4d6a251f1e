package io.streamsynth.operators.kafka;

import io.streamsynth.operators.types.ItemEmbedding;
import io.streamsynth.operators.types.ItemKey;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes embeddings in the {@link EmbeddingJson} format, keyed by {@link ItemKey} (catalog and item),
 * so that every record of an item lands on the same partition, in order, and log compaction keeps
 * one record per item of each catalog. A deleted item is written as a tombstone: its key, a null value.
 */
public class EmbeddingSerializer implements KafkaRecordSerializationSchema<ItemEmbedding> {

    private static final long serialVersionUID = 1L;

    private final String topic;

    public EmbeddingSerializer(String topic) {
        this.topic = ProducerRecords.requireTopic("embeddings topic", topic);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(ItemEmbedding embedding, KafkaSinkContext context,
            Long timestamp) {
        return new ProducerRecord<>(topic, null, ProducerRecords.timestamp(timestamp),
                ItemKey.encode(embedding.catalog, embedding.itemId),
                embedding.deleted ? null : EmbeddingJson.encode(embedding));
    }
}
