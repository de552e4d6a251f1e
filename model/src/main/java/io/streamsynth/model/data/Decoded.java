package io.streamsynth.model.data;

/**
 * What {@link ImageDecoder} made of an encoded image.
 *
 * @param image             the pixels in the catalog's channels, alpha composited, orientation applied
 * @param channelsConverted true when grey was expanded to RGB or RGB converted to grey to fit
 */
public record Decoded(DecodedImage image, boolean channelsConverted) {}
