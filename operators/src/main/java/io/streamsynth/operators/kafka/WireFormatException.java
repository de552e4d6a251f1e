package io.streamsynth.operators.kafka;

/** A record on a streamsynth topic that does not follow the documented wire format. */
public final class WireFormatException extends RuntimeException {

    public WireFormatException(String message) {
        super(message);
    }

    public WireFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
