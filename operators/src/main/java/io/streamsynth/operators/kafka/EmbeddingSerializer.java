package io.streamsynth.operators.kafka;

import io.streamsynth.operators.types.ItemEmbedding;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes embeddings in the {@link EmbeddingJson} format, keyed by the item id in UTF-8, so that
 * every version of an item's vector lands on the same partition, in order.
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
                embedding.itemId.getBytes(StandardCharsets.UTF_8), EmbeddingJson.encode(embedding));
    }
}
