package io.streamsynth.operators.kafka;

import io.streamsynth.operators.types.RawEvent;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Wraps every Kafka record, whatever its bytes, as a {@link RawEvent}. Parsing happens later in
 * {@link io.streamsynth.operators.decode.DecodeEvents}, where a bad record can be dead-lettered;
 * a source that threw here would fail the job over and over on the same offset.
 */
public class RawEventDeserializer implements KafkaRecordDeserializationSchema<RawEvent> {

    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawEvent> out) {
        out.collect(new RawEvent(record.key(), record.value(), record.topic(), record.partition(), record.offset(),
                record.timestamp(), System.currentTimeMillis()));
    }

    @Override
    public TypeInformation<RawEvent> getProducedType() {
        return TypeInformation.of(RawEvent.class);
    }
}
