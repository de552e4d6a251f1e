package io.streamsynth.pipeline.cli;

import io.streamsynth.model.checkpoint.CheckpointCodec;
import io.streamsynth.model.checkpoint.CheckpointMetadata;
import io.streamsynth.operators.kafka.AssembledCheckpoint;
import java.util.Optional;

/**
 * Which reassembled checkpoint {@code export} writes: of one catalog, the given version, or else the
 * newest one the promotion gate promoted (the model the embedder serves), or with candidates allowed
 * the newest of all. Holds the bytes of the current choice only.
 */
final class CheckpointChoice {
    private final String catalog;
    private final Long version;
    private final boolean candidates;
    private AssembledCheckpoint chosen;
    private long newestRead = -1;
    private String newestReason = "";

    /**
     * @param version    the version wanted, or null for the newest
     * @param candidates with no version given, also consider versions the gate did not promote
     */
    CheckpointChoice(String catalog, Long version, boolean candidates) {
        this.catalog = catalog;
        this.version = version;
        this.candidates = candidates;
    }

    /** @throws IllegalArgumentException when the checkpoint's bytes cannot be decoded to read its promotion */
    void accept(AssembledCheckpoint c) {
        if (!catalog.equals(c.catalog())) {
            return;
        }
        if (version != null) {
            if (c.version() == version) {
                chosen = c;
            }
            return;
        }
        if (c.version() <= newestRead) {
            return;
        }
        newestRead = c.version();
        boolean promoted = true;
        if (!candidates) {
            CheckpointMetadata metadata = CheckpointCodec.readMetadata(c.bytes());
            promoted = metadata.promoted();
            Object reason = metadata.promotion().get("reason");
            newestReason = reason == null ? "" : " (" + reason + ")";
        }
        if (promoted) {
            chosen = c;
        }
    }

    Optional<AssembledCheckpoint> chosen() {
        return Optional.ofNullable(chosen);
    }

    /** Why the chosen version, in words for stderr. */
    String reason() {
        if (version != null) {
            return "as asked (--version), complete";
        }
        if (candidates) {
            return "the newest checkpoint of catalog '" + catalog + "' whose chunks all arrived (--include-candidates)";
        }
        String newer = chosen != null && newestRead > chosen.version() ? "; the newest trained version, " + newestRead
                + ", was not promoted" + newestReason + " (--include-candidates or --version " + newestRead
                + " exports it)" : "";
        return "the newest promoted checkpoint of catalog '" + catalog + "' whose chunks all arrived" + newer;
    }

    /** The newest version read, promoted or not; -1 if none. */
    long newestRead() {
        return newestRead;
    }
}
