package io.streamsynth.pipeline.kafka;

import java.io.Serializable;

/**
 * The six topics the job reads and writes: images and per-catalog settings ({@code catalogs}) in;
 * checkpoints, embeddings, dead letters and version markers ({@code versions}) out.
 */
public record Topics(String images, String checkpoints, String embeddings, String deadLetters, String versions,
        String catalogs) implements Serializable {
    /** The default name of the version-marker topic ({@code --versions-topic}). */
    public static final String DEFAULT_VERSIONS = "embedding-versions";
    /** The default name of the compacted per-catalog settings topic ({@code --catalogs-topic}). */
    public static final String DEFAULT_CATALOGS = "catalogs";

    public Topics {
        for (String t : new String[] {images, checkpoints, embeddings, deadLetters, versions, catalogs}) {
            if (t == null || !t.matches("[a-zA-Z0-9._-]{1,249}")) {
                throw new IllegalArgumentException("topic names must be 1-249 characters of letters, digits, '.', "
                        + "'_' or '-', got '" + t + "'");
            }
        }
    }

    /** With the default catalog settings topic. */
    public Topics(String images, String checkpoints, String embeddings, String deadLetters, String versions) {
        this(images, checkpoints, embeddings, deadLetters, versions, DEFAULT_CATALOGS);
    }

    /** With the default version-marker and catalog settings topics. */
    public Topics(String images, String checkpoints, String embeddings, String deadLetters) {
        this(images, checkpoints, embeddings, deadLetters, DEFAULT_VERSIONS);
    }

    public static Topics defaults() {
        return new Topics("images", "checkpoints", "embeddings", "dead-letters", DEFAULT_VERSIONS, DEFAULT_CATALOGS);
    }

    /** Every topic the job reads or writes, in the order of the components. */
    public java.util.List<String> all() {
        return java.util.List.of(images, checkpoints, embeddings, deadLetters, versions, catalogs);
    }
}
