package io.streamsynth.operators.kafka;

/** Checks shared by the serializers that build producer records. */
final class ProducerRecords {

    private ProducerRecords() {
    }

    /** Fails at job build time on a blank topic setting rather than at the first record. */
    static String requireTopic(String setting, String topic) {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException(setting + " must be a non-blank topic name, got '" + topic + "'");
        }
        return topic;
    }

    /**
     * The element's timestamp where Kafka accepts it; otherwise null, so the producer stamps the
     * record itself. A ProducerRecord refuses negative timestamps, which records from before
     * Kafka kept timestamps carry as -1.
     */
    static Long timestamp(Long elementTimestamp) {
        return elementTimestamp == null || elementTimestamp < 0 ? null : elementTimestamp;
    }
}
