package io.streamsynth.model.data;

/**
 * Encoded image bytes that cannot be used, with a stable reason code for counting and routing
 * (e.g. {@code truncated_image}) and a detail for people.
 */
public final class ImageRejectedException extends Exception {

    public static final String TOO_LARGE_BYTES = "image_too_large_bytes";
    public static final String DIMENSIONS_TOO_LARGE = "image_dimensions_too_large";
    /** A chunk of a PNG whose CRC does not match its bytes: corrupted in transit or storage. */
    public static final String CORRUPT = "corrupt_image";
    public static final String NOT_AN_IMAGE = "not_an_image";
    public static final String TRUNCATED = "truncated_image";
    public static final String EMPTY = "empty_image";

    private final String reason;
    private final String detail;

    public ImageRejectedException(String reason, String detail) {
        // No stack trace: rejections are expected input, possibly thousands a second, and the
        // reason code already says where they came from.
        super(reason + ": " + detail, null, false, false);
        this.reason = reason;
        this.detail = detail;
    }

    public String reason() {
        return reason;
    }

    public String detail() {
        return detail;
    }
}
