package io.streamsynth.model.synthesis;

import java.util.Locale;

/** Creates a synthesis method from its flag name. */
public final class Syntheses {
    private Syntheses() {}

    /**
     * @param name   none, ee or symm
     * @param points synthetic points per pair for ee (ignored by the others)
     */
    public static Synthesis create(String name, int points) {
        return switch (name == null ? "" : name.trim().toLowerCase(Locale.ROOT)) {
            case "none" -> new NoSynthesis();
            case "ee" -> new EmbeddingExpansion(points);
            case "symm" -> new SymmetricalSynthesis();
            default -> throw new IllegalArgumentException("synthesis must be none, ee or symm, got '" + name + "'");
        };
    }
}
