package io.streamsynth.operators.kafka;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** Kafka headers whose values are UTF-8 text, the form every streamsynth header takes. */
final class Utf8Headers {

    private Utf8Headers() {
    }

    /** Adds the header unless the value is null: an absent header reads more plainly than an empty one. */
    static void add(Headers headers, String name, String value) {
        if (value != null) {
            headers.add(name, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The last value of the header, or null when there is none. */
    static String last(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** At most {@code maxChars} characters of {@code text}, never ending in half a surrogate pair. */
    static String truncate(String text, int maxChars) {
        if (text == null || text.length() <= maxChars) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(maxChars - 1)) ? maxChars - 1 : maxChars;
        return text.substring(0, end);
    }
}
