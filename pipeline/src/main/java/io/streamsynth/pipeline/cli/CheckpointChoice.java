package io.streamsynth.pipeline.cli;

import io.streamsynth.operators.kafka.AssembledCheckpoint;
import java.util.Optional;

/**
 * Which reassembled checkpoint {@code export} writes: of one catalog, the given version or else the
 * newest. Holds the bytes of the current choice only.
 */
final class CheckpointChoice {
    private final String catalog;
    private final Long version;
    private AssembledCheckpoint chosen;

    /** @param version the version wanted, or null for the newest */
    CheckpointChoice(String catalog, Long version) {
        this.catalog = catalog;
        this.version = version;
    }

    void accept(AssembledCheckpoint c) {
        if (!catalog.equals(c.catalog())) {
            return;
        }
        boolean wanted = version == null ? chosen == null || c.version() > chosen.version() : c.version() == version;
        if (wanted) {
            chosen = c;
        }
    }

    Optional<AssembledCheckpoint> chosen() {
        return Optional.ofNullable(chosen);
    }
}
