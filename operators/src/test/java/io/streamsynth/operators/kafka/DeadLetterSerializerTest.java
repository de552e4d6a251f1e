package io.streamsynth.operators.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsynth.operators.types.DeadLetter;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

class DeadLetterSerializerTest {

    private final DeadLetterSerializer serializer = new DeadLetterSerializer("images-dlq");

    @Test
    void writesTheOriginalRecordUnchangedWithTheReasonInHeaders() {
        byte[] key = "sku-1".getBytes(StandardCharsets.UTF_8);
        byte[] value = {0, (byte) 0xfe, 42};
        DeadLetter letter = new DeadLetter(key, value, "invalid_json", "unexpected end", "images-0@17", 1234L);

        ProducerRecord<byte[], byte[]> record = serializer.serialize(letter, null, 99L);

        assertThat(record.topic()).isEqualTo("images-dlq");
        assertThat(record.key()).isEqualTo(key);
        assertThat(record.value()).isEqualTo(value);
        assertThat(record.timestamp()).isEqualTo(99L);
        assertThat(header(record, DeadLetterSerializer.REASON)).isEqualTo("invalid_json");
        assertThat(header(record, DeadLetterSerializer.DETAIL)).isEqualTo("unexpected end");
        assertThat(header(record, DeadLetterSerializer.SOURCE)).isEqualTo("images-0@17");
        assertThat(header(record, DeadLetterSerializer.TIME)).isEqualTo("1234");
    }

    @Test
    void longDetailsAreCutToAThousandCharactersWithoutSplittingASurrogatePair() {
        String detail = "a".repeat(999) + "\uD83D\uDC5F" + "b".repeat(50);
        DeadLetter letter = new DeadLetter(null, new byte[0], "x", detail, "s", 0);

        String written = header(serializer.serialize(letter, null, null), DeadLetterSerializer.DETAIL);

        assertThat(written).isEqualTo("a".repeat(999));
    }

    @Test
    void recordsWithoutKeyOrTimestampAreWrittenAsSuch() {
        DeadLetter letter = new DeadLetter(null, null, "invalid_json", "the record has no value", "images-0@1", 5);

        ProducerRecord<byte[], byte[]> record = serializer.serialize(letter, null, null);

        assertThat(record.key()).isNull();
        assertThat(record.value()).isNull();
        assertThat(record.timestamp()).isNull();
    }

    @Test
    void negativeTimestampsAreLeftToTheProducer() {
        DeadLetter letter = new DeadLetter(null, new byte[1], "r", "d", "s", -1);

        assertThat(serializer.serialize(letter, null, -1L).timestamp()).isNull();
    }

    @Test
    void blankTopicIsRejectedByName() {
        assertThatThrownBy(() -> new DeadLetterSerializer(" ")).hasMessageContaining("dead-letter topic");
    }

    static String header(ProducerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
