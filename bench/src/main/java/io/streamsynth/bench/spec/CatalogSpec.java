package io.streamsynth.bench.spec;

import io.streamsynth.model.image.ImageSpec;
import java.util.Locale;

/**
 * A catalog's image spec as the benchmark names it, {@code C:S/C'}: channels, resize S, crop C'
 * ({@code 1:28/28} is Fashion-MNIST's, {@code 3:72/64} a small RGB catalog, {@code 3:256/224}
 * torchvision's ImageNet recipe). Grey specs take the grey defaults, RGB ones the RGB defaults
 * (ImageNet mean/std, training augmentation, JPEG storage) with the given sizes.
 */
public record CatalogSpec(ImageSpec spec) {

    public static CatalogSpec parse(String text) {
        String[] parts = text == null ? new String[0] : text.trim().split("[:/]");
        if (parts.length != 3) {
            throw new IllegalArgumentException("a spec is CHANNELS:RESIZE/CROP, e.g. 3:72/64, got '" + text + "'");
        }
        try {
            int channels = Integer.parseInt(parts[0]);
            return new CatalogSpec(ImageSpec.defaultsFor(channels).withSizes(Integer.parseInt(parts[1]),
                    Integer.parseInt(parts[2])));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a spec is CHANNELS:RESIZE/CROP, e.g. 3:72/64, got '" + text + "'");
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d:%d/%d", spec.channels(), spec.resize(), spec.crop());
    }
}
