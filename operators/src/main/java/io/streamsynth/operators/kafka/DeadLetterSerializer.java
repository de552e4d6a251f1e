package io.streamsynth.operators.kafka;

import io.streamsynth.operators.types.DeadLetter;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes a dead letter as the original record, key and value byte for byte, so that it can be
 * inspected or replayed into the input topic as it was; why it was rejected travels in headers:
 *
 * <ul>
 *   <li>{@value #REASON}: the stable reason code, e.g. {@code invalid_json}</li>
 *   <li>{@value #DETAIL}: a human-readable detail, at most {@value #MAX_DETAIL_CHARS} characters</li>
 *   <li>{@value #SOURCE}: {@code topic-partition@offset} of the original record</li>
 *   <li>{@value #TIME}: the original record's timestamp, epoch milliseconds in decimal</li>
 * </ul>
 */
public class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {

    private static final long serialVersionUID = 1L;

    public static final String REASON = "streamsynth.dlq.reason";
    public static final String DETAIL = "streamsynth.dlq.detail";
    public static final String SOURCE = "streamsynth.dlq.source";
    public static final String TIME = "streamsynth.dlq.time";
    public static final int MAX_DETAIL_CHARS = 1000;

    private final String topic;

    public DeadLetterSerializer(String topic) {
        this.topic = ProducerRecords.requireTopic("dead-letter topic", topic);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter letter, KafkaSinkContext context, Long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        Utf8Headers.add(headers, REASON, letter.reason);
        Utf8Headers.add(headers, DETAIL, Utf8Headers.truncate(letter.detail, MAX_DETAIL_CHARS));
        Utf8Headers.add(headers, SOURCE, letter.source);
        Utf8Headers.add(headers, TIME, Long.toString(letter.timestamp));
        return new ProducerRecord<>(topic, null, ProducerRecords.timestamp(timestamp), letter.key, letter.value, headers);
    }
}
