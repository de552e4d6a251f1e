package io.streamsynth.operators.kafka;

import io.streamsynth.operators.types.CheckpointChunk;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Reads a checkpoint chunk back from a Kafka record written by {@link CheckpointChunkSerializer}. */
final class CheckpointChunkReader {

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private CheckpointChunkReader() {
    }

    static CheckpointChunk read(ConsumerRecord<byte[], byte[]> record) {
        String where = record.topic() + "-" + record.partition() + "@" + record.offset();
        String format = Utf8Headers.last(record.headers(), CheckpointChunkHeaders.FORMAT);
        if (!CheckpointChunkHeaders.FORMAT_VALUE.equals(format)) {
            throw new WireFormatException("record " + where + " is not a checkpoint chunk of format "
                    + CheckpointChunkHeaders.FORMAT_VALUE + " (header " + CheckpointChunkHeaders.FORMAT + " is "
                    + format + ")");
        }
        if (record.key() == null || record.value() == null) {
            throw new WireFormatException("checkpoint chunk " + where + " lacks its key (catalog) or value");
        }
        long version = number(record, where, CheckpointChunkHeaders.VERSION, 0, Long.MAX_VALUE);
        int count = (int) number(record, where, CheckpointChunkHeaders.CHUNK_COUNT, 1, Integer.MAX_VALUE);
        int index = (int) number(record, where, CheckpointChunkHeaders.CHUNK_INDEX, 0, count - 1);
        long totalBytes = number(record, where, CheckpointChunkHeaders.TOTAL_BYTES, 0, Long.MAX_VALUE);
        String sha256 = Utf8Headers.last(record.headers(), CheckpointChunkHeaders.SHA256);
        if (sha256 == null || !SHA256_HEX.matcher(sha256).matches()) {
            throw new WireFormatException("checkpoint chunk " + where + " has no lowercase hex SHA-256 in header "
                    + CheckpointChunkHeaders.SHA256 + ": " + sha256);
        }
        return new CheckpointChunk(new String(record.key(), StandardCharsets.UTF_8), version, index, count,
                totalBytes, sha256, record.value());
    }

    private static long number(ConsumerRecord<byte[], byte[]> record, String where, String header, long min,
            long max) {
        String text = Utf8Headers.last(record.headers(), header);
        if (text == null) {
            throw new WireFormatException("checkpoint chunk " + where + " lacks header " + header);
        }
        long value;
        try {
            value = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new WireFormatException("checkpoint chunk " + where + " header " + header
                    + " is not a decimal integer: " + text, e);
        }
        if (value < min || value > max) {
            throw new WireFormatException("checkpoint chunk " + where + " header " + header + " must be between "
                    + min + " and " + max + ", got " + value);
        }
        return value;
    }
}
