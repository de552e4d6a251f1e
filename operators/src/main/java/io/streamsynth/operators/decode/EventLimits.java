package io.streamsynth.operators.decode;

import io.streamsynth.model.data.ImageLimits;
import java.io.Serializable;

/**
 * Bounds on an input event, checked before any work that grows with the input.
 *
 * @param maxEventBytes largest event value accepted, in bytes, checked before parsing
 * @param maxIdLength   longest catalog, item id, label or event id, in characters
 * @param image         bounds on the embedded image (bytes, sides), checked before its pixels are decoded
 */
public record EventLimits(int maxEventBytes, int maxIdLength, ImageLimits image) implements Serializable {

    public static final int DEFAULT_MAX_EVENT_BYTES = 2 << 20;
    public static final int DEFAULT_MAX_ID_LENGTH = 128;
    public static final int DEFAULT_MAX_IMAGE_BYTES = 1 << 20;
    public static final int DEFAULT_MAX_IMAGE_SIDE = 4096;

    public EventLimits {
        if (maxEventBytes < 1) {
            throw new IllegalArgumentException("maxEventBytes must be positive, got " + maxEventBytes);
        }
        if (maxIdLength < 1) {
            throw new IllegalArgumentException("maxIdLength must be positive, got " + maxIdLength);
        }
        if (image == null) {
            throw new IllegalArgumentException("image limits must not be null");
        }
    }

    /** The defaults: 2 MiB events, 1 MiB images, at most 4096 pixels a side, ids of at most 128 characters. */
    public static EventLimits defaults() {
        return new EventLimits(DEFAULT_MAX_EVENT_BYTES, DEFAULT_MAX_ID_LENGTH, new ImageLimits(DEFAULT_MAX_IMAGE_BYTES,
                DEFAULT_MAX_IMAGE_SIDE, DEFAULT_MAX_IMAGE_SIDE));
    }
}
