package io.streamsynth.bench.step;

/**
 * A P x K batch: P classes, K samples of each.
 *
 * @param classes         P, at least 2 (a metric loss needs negatives)
 * @param samplesPerClass K, even and at least 2 (synthesis pairs the samples of a class)
 */
public record BatchShape(int classes, int samplesPerClass) {
    public BatchShape {
        if (classes < 2 || samplesPerClass < 2 || samplesPerClass % 2 != 0) {
            throw new IllegalArgumentException("batch needs P >= 2 and an even K >= 2, got " + classes + "x"
                    + samplesPerClass);
        }
    }

    /** Parses {@code PxK}, e.g. {@code 8x8}. */
    public static BatchShape parse(String text) {
        String[] parts = text == null ? new String[0] : text.trim().toLowerCase(java.util.Locale.ROOT).split("x");
        if (parts.length != 2) {
            throw new IllegalArgumentException("batch must be PxK, e.g. 8x8, got '" + text + "'");
        }
        try {
            return new BatchShape(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("batch must be PxK, e.g. 8x8, got '" + text + "'");
        }
    }

    public int size() {
        return classes * samplesPerClass;
    }

    @Override
    public String toString() {
        return classes + "x" + samplesPerClass;
    }
}
