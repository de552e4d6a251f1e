package io.streamsynth.operators.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.operators.types.RawEvent;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class RawEventDeserializerTest {

    private final RawEventDeserializer deserializer = new RawEventDeserializer();

    @Test
    void keepsBytesAndWhereTheRecordCameFrom() throws Exception {
        byte[] key = {1, 2};
        byte[] value = {(byte) 0xff, 0, 7};
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("images", 4, 1234L, key, value);
        long before = System.currentTimeMillis();

        RawEvent event = deserializeOne(record);

        assertThat(event.key).isEqualTo(key);
        assertThat(event.value).isEqualTo(value);
        assertThat(event.topic).isEqualTo("images");
        assertThat(event.partition).isEqualTo(4);
        assertThat(event.offset).isEqualTo(1234L);
        assertThat(event.timestamp).isEqualTo(record.timestamp());
        assertThat(event.ingestTime).isBetween(before, System.currentTimeMillis());
        assertThat(event.source()).isEqualTo("images-4@1234");
    }

    @Test
    void acceptsRecordsWithoutKeyOrValue() throws Exception {
        RawEvent event = deserializeOne(new ConsumerRecord<>("images", 0, 0L, null, null));

        assertThat(event.key).isNull();
        assertThat(event.value).isNull();
    }

    @Test
    void producesRawEvents() {
        assertThat(deserializer.getProducedType().getTypeClass()).isEqualTo(RawEvent.class);
    }

    private RawEvent deserializeOne(ConsumerRecord<byte[], byte[]> record) throws Exception {
        List<RawEvent> out = new ArrayList<>();
        deserializer.deserialize(record, new Collector<>() {
            @Override
            public void collect(RawEvent event) {
                out.add(event);
            }

            @Override
            public void close() {
            }
        });
        assertThat(out).hasSize(1);
        return out.get(0);
    }
}
