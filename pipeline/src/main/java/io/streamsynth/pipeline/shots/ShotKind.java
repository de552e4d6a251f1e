package io.streamsynth.pipeline.shots;

/**
 * How a product shot is encoded: the formats and quirks a real catalog upload brings, each of which
 * the job's decoder must turn into the same upright RGB picture.
 */
public enum ShotKind {
    /** Opaque 8-bit RGB PNG. */
    PNG("png"),
    /** Baseline RGB JPEG (YCbCr, JFIF), quality 90. */
    JPEG("jpg"),
    /**
     * RGBA PNG whose background is fully transparent: the garment's colour everywhere, its intensity
     * as alpha, so compositing onto any background gives that background with the garment on it.
     */
    RGBA_PNG("png"),
    /** Four-channel JPEG with an Adobe APP14 marker (transform 0: CMYK, inverted ink), as print workflows write. */
    CMYK_JPEG("jpg"),
    /** RGB JPEG stored rotated 90 degrees counter-clockwise, EXIF orientation 6 (rotate clockwise to show). */
    EXIF_6_JPEG("jpg"),
    /** RGB JPEG stored rotated 90 degrees clockwise, EXIF orientation 8 (rotate counter-clockwise to show). */
    EXIF_8_JPEG("jpg"),
    /** Lossy WebP (libwebp, quality 90). */
    WEBP("webp");

    private final String extension;

    ShotKind(String extension) {
        this.extension = extension;
    }

    /** The file name extension, without the dot. */
    public String extension() {
        return extension;
    }
}
