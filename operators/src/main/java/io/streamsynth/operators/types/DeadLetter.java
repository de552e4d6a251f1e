package io.streamsynth.operators.types;

/** An input record that could not be used, with its original bytes and why. */
public class DeadLetter {
    public byte[] key;
    public byte[] value;
    /** Stable machine-readable reason code, e.g. {@code invalid_json}. */
    public String reason;
    /** Human-readable detail. */
    public String detail;
    /** topic-partition@offset of the original record. */
    public String source;
    public long timestamp;

    public DeadLetter() {}

    public DeadLetter(byte[] key, byte[] value, String reason, String detail, String source, long timestamp) {
        this.key = key;
        this.value = value;
        this.reason = reason;
        this.detail = detail;
        this.source = source;
        this.timestamp = timestamp;
    }

    @Override
    public String toString() {
        return "DeadLetter[" + reason + ": " + detail + " from " + source + "]";
    }
}
