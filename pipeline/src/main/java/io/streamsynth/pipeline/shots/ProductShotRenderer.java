package io.streamsynth.pipeline.shots;

import io.streamsynth.model.data.DecodedImage;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Re-renders grey garment images (Fashion-MNIST) as RGB catalog photos: each at its own size and
 * aspect ratio, on a coloured backdrop, encoded as one of {@link ShotKind} (opaque PNG, JPEG, RGBA
 * PNG with a transparent backdrop, CMYK JPEG, JPEG stored sideways with EXIF orientation 6 or 8,
 * lossy WebP). A shot depends only on (seed, index, garment): the same arguments give the same
 * bytes on every run, so a catalog written twice is the same catalog.
 */
public final class ProductShotRenderer {
    /** Shorter sides by default: small enough that a 2-core machine decodes thousands a second. */
    public static final int DEFAULT_MIN_SIDE = 80;
    public static final int DEFAULT_MAX_SIDE = 320;

    private final long seed;
    private final int minSide;
    private final int maxSide;
    private final List<ShotKind> kinds;

    /**
     * @param minSide shortest shorter side, in pixels, at least 16
     * @param maxSide longest shorter side, at least {@code minSide}
     * @param kinds   the encodings to draw from, equally often
     */
    public ProductShotRenderer(long seed, int minSide, int maxSide, Set<ShotKind> kinds) {
        if (minSide < 16 || maxSide < minSide) {
            throw new IllegalArgumentException("shorter sides must satisfy 16 <= min <= max, got " + minSide + ".."
                    + maxSide);
        }
        if (kinds == null || kinds.isEmpty()) {
            throw new IllegalArgumentException("at least one kind of shot is needed");
        }
        this.seed = seed;
        this.minSide = minSide;
        this.maxSide = maxSide;
        this.kinds = List.copyOf(EnumSet.copyOf(kinds));
    }

    /** Every kind, shorter sides {@value #DEFAULT_MIN_SIDE} to {@value #DEFAULT_MAX_SIDE}. */
    public static ProductShotRenderer withDefaults(long seed) {
        return new ProductShotRenderer(seed, DEFAULT_MIN_SIDE, DEFAULT_MAX_SIDE, EnumSet.allOf(ShotKind.class));
    }

    /**
     * @param index   which shot of the catalog this is: it picks the look and the kind
     * @param garment a grey image, bright garment on black (Fashion-MNIST's convention)
     */
    public ProductShot render(String name, String label, long index, DecodedImage garment) {
        SplittableRandom random = new SplittableRandom(mix(seed, index));
        ShotLook look = ShotLook.draw(random, minSide, maxSide);
        ShotKind kind = kinds.get(random.nextInt(kinds.size()));
        int[] argb = ShotPainter.paint(garment, look, kind == ShotKind.RGBA_PNG);
        return new ProductShot(name, label, kind, look, ShotEncoder.encode(kind, argb, look.width(), look.height()));
    }

    /** A stream per (seed, index), so neighbouring indices do not give correlated looks. */
    private static long mix(long seed, long index) {
        return new SplittableRandom(seed).split().nextLong() ^ index * 0x9E3779B97F4A7C15L;
    }
}
