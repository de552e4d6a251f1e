package io.streamsynth.operators.decode;

/**
 * An input event that cannot be used. {@link #reason()} is a stable code for dead-letter headers
 * and dashboards; {@link #detail()} is for people.
 *
 * <p>Codes: {@code event_too_large}, {@code invalid_json} (also invalid UTF-8, duplicate keys,
 * trailing content, not an object), {@code unsupported_schema_version}, {@code missing_field:<name>},
 * {@code wrong_type:<name>}, {@code out_of_range:<name>}, {@code empty_field:<name>},
 * {@code id_too_long:<name>}, {@code control_characters:<name>}, {@code invalid_base64}, and the
 * image codes of {@link io.streamsynth.model.data.ImageRejectedException}.
 */
public final class EventRejectedException extends Exception {

    public static final String EVENT_TOO_LARGE = "event_too_large";
    public static final String INVALID_JSON = "invalid_json";
    public static final String UNSUPPORTED_SCHEMA_VERSION = "unsupported_schema_version";
    public static final String INVALID_BASE64 = "invalid_base64";

    private final String reason;
    private final String detail;

    public EventRejectedException(String reason, String detail) {
        // No stack trace: rejections are expected input and the reason code says where they came from.
        super(reason + ": " + detail, null, false, false);
        this.reason = reason;
        this.detail = detail;
    }

    static EventRejectedException missing(String field) {
        return new EventRejectedException("missing_field:" + field, "required field '" + field + "' is absent");
    }

    static EventRejectedException wrongType(String field, String expected, String actual) {
        return new EventRejectedException("wrong_type:" + field,
                "'" + field + "' must be " + expected + ", got " + actual);
    }

    public String reason() {
        return reason;
    }

    public String detail() {
        return detail;
    }
}
