package io.streamsynth.pipeline.job;

import java.io.Serializable;

/** The four topics the job reads and writes. */
public record Topics(String images, String checkpoints, String embeddings, String deadLetters) implements Serializable {
    public Topics {
        for (String t : new String[] {images, checkpoints, embeddings, deadLetters}) {
            if (t == null || !t.matches("[a-zA-Z0-9._-]{1,249}")) {
                throw new IllegalArgumentException("topic names must be 1-249 characters of letters, digits, '.', "
                        + "'_' or '-', got '" + t + "'");
            }
        }
    }

    public static Topics defaults() {
        return new Topics("images", "checkpoints", "embeddings", "dead-letters");
    }
}
