package io.streamsynth.model.data;

import java.io.Serializable;

/**
 * What an encoded image may be before it is decoded, and what shape a catalog requires of it.
 *
 * @param maxBytes  largest encoded image accepted, in bytes
 * @param maxWidth  widest image accepted, in pixels, checked from the header before decoding
 * @param maxHeight tallest image accepted, in pixels, checked from the header before decoding
 * @param channels  channels the catalog requires: 1 (grey) or 3 (RGB); 0 accepts either and keeps
 *                  the image's own
 * @param height    height the catalog requires, or 0 for any up to {@code maxHeight}
 * @param width     width the catalog requires, or 0 for any up to {@code maxWidth}
 */
public record ImageLimits(int maxBytes, int maxWidth, int maxHeight, int channels, int height, int width)
        implements Serializable {

    public ImageLimits {
        requirePositive("maxBytes", maxBytes);
        requirePositive("maxWidth", maxWidth);
        requirePositive("maxHeight", maxHeight);
        if (channels != 0 && channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 0 (any), 1 or 3, got " + channels);
        }
        requireWithin("height", height, "maxHeight", maxHeight);
        requireWithin("width", width, "maxWidth", maxWidth);
    }

    private static void requirePositive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    private static void requireWithin(String name, int value, String maxName, int max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(
                    name + " must be 0 (any) or between 1 and " + maxName + " (" + max + "), got " + value);
        }
    }
}
