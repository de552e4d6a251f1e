package io.streamsynth.pipeline.kafka;

import java.io.Serializable;

/**
 * The five topics the job reads and writes: images in; checkpoints, embeddings, dead letters and
 * version markers ({@code versions}) out.
 */
public record Topics(String images, String checkpoints, String embeddings, String deadLetters, String versions)
        implements Serializable {
    /** The default name of the version-marker topic ({@code --versions-topic}). */
    public static final String DEFAULT_VERSIONS = "embedding-versions";

    public Topics {
        for (String t : new String[] {images, checkpoints, embeddings, deadLetters, versions}) {
            if (t == null || !t.matches("[a-zA-Z0-9._-]{1,249}")) {
                throw new IllegalArgumentException("topic names must be 1-249 characters of letters, digits, '.', "
                        + "'_' or '-', got '" + t + "'");
            }
        }
    }

    /** With the default version-marker topic. */
    public Topics(String images, String checkpoints, String embeddings, String deadLetters) {
        this(images, checkpoints, embeddings, deadLetters, DEFAULT_VERSIONS);
    }

    public static Topics defaults() {
        return new Topics("images", "checkpoints", "embeddings", "dead-letters", DEFAULT_VERSIONS);
    }
}
