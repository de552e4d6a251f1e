package io.streamsynth.operators.types;

/**
 * A Kafka record as it arrived, before any parsing, so that whatever fails later can go to the
 * dead-letter topic with its original bytes.
 */
public class RawEvent {
    public byte[] key;
    public byte[] value;
    public String topic;
    public int partition;
    public long offset;
    /** The record's Kafka timestamp. */
    public long timestamp;
    /** When the job read it (processing time), for freshness figures. */
    public long ingestTime;

    public RawEvent() {}

    public RawEvent(byte[] key, byte[] value, String topic, int partition, long offset, long timestamp,
            long ingestTime) {
        this.key = key;
        this.value = value;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.timestamp = timestamp;
        this.ingestTime = ingestTime;
    }

    /** topic-partition@offset, for dead-letter headers and logs. */
    public String source() {
        return topic + "-" + partition + "@" + offset;
    }
}
