package io.streamsynth.operators.types;

/**
 * A published model version: the encoded checkpoint (see the model module's CheckpointCodec). Every
 * version goes to the checkpoints topic; only promoted ones reach the embedder (see the trainer's
 * promotion gate).
 */
public class ModelRelease {
    public String catalog;
    public long version;
    public long step;
    public long createdAt;
    /** Earliest ingest time among the samples first trained in this version, for freshness. */
    public long oldestFreshIngestTime;
    public byte[] checkpoint;
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
}
