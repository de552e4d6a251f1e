package io.streamsynth.operators.types;

import io.streamsynth.model.checkpoint.CheckpointCodec;
import io.streamsynth.model.checkpoint.CheckpointMetadata;
import io.streamsynth.model.checkpoint.Sha256;

/**
 * A published model version: the encoded checkpoint (see the model module's CheckpointCodec). Every
 * version goes to the checkpoints topic whole; only promoted ones reach the embedder (see the
 * trainer's promotion gate), and those as a weights-only copy ({@link #weightsOnly}).
 */
public class ModelRelease {
    public String catalog;
    public long version;
    public long step;
    public long createdAt;
    /** Earliest ingest time among the samples first trained in this version, for freshness. */
    public long oldestFreshIngestTime;
    /** The encoded checkpoint; without its optimizer section in a {@link #weightsOnly} copy. */
    public byte[] checkpoint;
    /**
     * Lowercase hex SHA-256 of the whole encoded checkpoint as the checkpoints topic carries it (its
     * chunks' digest header, and the {@code checkpoint_sha256} of the version's marker), computed once
     * by the trainer; null in a release built without it, whose readers then hash {@link #checkpoint}.
     */
    public String checkpointSha256;
    /** The promotion gate let this version replace the served one: the embedder re-embeds the catalog with it. */
    public boolean promoted;

    public ModelRelease() {}

    /** A promoted release. */
    public ModelRelease(String catalog, long version, long step, long createdAt, long oldestFreshIngestTime,
            byte[] checkpoint) {
        this(catalog, version, step, createdAt, oldestFreshIngestTime, checkpoint, true);
    }

    public ModelRelease(String catalog, long version, long step, long createdAt, long oldestFreshIngestTime,
            byte[] checkpoint, boolean promoted) {
        this.catalog = catalog;
        this.version = version;
        this.step = step;
        this.createdAt = createdAt;
        this.oldestFreshIngestTime = oldestFreshIngestTime;
        this.checkpoint = checkpoint;
        this.promoted = promoted;
    }

    /** Whether the embedder takes this version (a filter for the broadcast). */
    public boolean isPromoted() {
        return promoted;
    }

    /** The digest of the whole checkpoint: {@link #checkpointSha256}, or computed from the bytes when unset. */
    public String checkpointDigest() {
        return checkpointSha256 != null ? checkpointSha256 : Sha256.hex(checkpoint);
    }

    /**
     * The same release with the checkpoint's optimizer section left out: what the embedder needs to
     * run the model, a third of the bytes under Adam (whose two moments are each the weights' size).
     * The digest of the whole checkpoint is computed here if unset, so it still names the topic's copy.
     */
    public ModelRelease weightsOnly() {
        ModelRelease lean = new ModelRelease(catalog, version, step, createdAt, oldestFreshIngestTime,
                CheckpointCodec.withoutOptimizerState(checkpoint), promoted);
        lean.checkpointSha256 = checkpointDigest();
        return lean;
    }

    /**
     * Throws unless the checkpoint's metadata names this release's catalog and version: a release whose
     * header and payload disagree would be ordered by one version and served as another.
     *
     * @throws IllegalStateException naming both versions (or catalogs) when they differ
     */
    public void requireMatches(CheckpointMetadata metadata) {
        if (metadata.modelVersion() != version || !metadata.catalog().equals(catalog)) {
            throw new IllegalStateException("release of catalog '" + catalog + "' version " + version
                    + " carries a checkpoint whose metadata says catalog '" + metadata.catalog() + "' version "
                    + metadata.modelVersion());
        }
    }
}
