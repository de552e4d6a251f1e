package io.streamsynth.model.data;

import java.io.Serializable;

/**
 * What an encoded image may be before any pixel of it is decoded. Shape is not a limit: every size
 * is resized to the catalog's (see {@code io.streamsynth.model.image.ImageSpec}).
 *
 * @param maxBytes  largest encoded image accepted, in bytes
 * @param maxWidth  widest image accepted, in pixels, checked from the header before decoding
 * @param maxHeight tallest image accepted, in pixels, checked from the header before decoding
 */
public record ImageLimits(int maxBytes, int maxWidth, int maxHeight) implements Serializable {

    public ImageLimits {
        requirePositive("maxBytes", maxBytes);
        requirePositive("maxWidth", maxWidth);
        requirePositive("maxHeight", maxHeight);
    }

    private static void requirePositive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
