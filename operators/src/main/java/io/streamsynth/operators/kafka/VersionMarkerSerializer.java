package io.streamsynth.operators.kafka;

import io.streamsynth.operators.types.VersionMarker;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes version markers in the {@link VersionMarkerJson} format, keyed by the catalog's UTF-8 bytes
 * (like the checkpoints topic), so a catalog's markers stay in order on one partition.
 */
public class VersionMarkerSerializer implements KafkaRecordSerializationSchema<VersionMarker> {
    private static final long serialVersionUID = 1L;

    private final String topic;

    public VersionMarkerSerializer(String topic) {
        this.topic = ProducerRecords.requireTopic("versions topic", topic);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(VersionMarker marker, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, null, ProducerRecords.timestamp(timestamp),
                marker.catalog.getBytes(StandardCharsets.UTF_8), VersionMarkerJson.encode(marker));
    }
}
