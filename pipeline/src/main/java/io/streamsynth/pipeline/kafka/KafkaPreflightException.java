package io.streamsynth.pipeline.kafka;

/**
 * Kafka cannot be used with the given settings (credentials refused, broker unreachable, topic
 * missing). An IllegalArgumentException, because the fix is always in the settings: the command
 * line prints the one-line message and exits with the code of a bad argument.
 */
public final class KafkaPreflightException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    KafkaPreflightException(String message) {
        super(message);
    }
}
