package io.streamsynth.operators.types;

/** A published model version: the encoded checkpoint (see the model module's CheckpointCodec). */
public class ModelRelease {
    public String catalog;
    public long version;
    public long step;
    public long createdAt;
    /** Earliest ingest time among the samples first trained in this version, for freshness. */
    public long oldestFreshIngestTime;
    public byte[] checkpoint;

    public ModelRelease() {}

    public ModelRelease(String catalog, long version, long step, long createdAt, long oldestFreshIngestTime,
            byte[] checkpoint) {
        this.catalog = catalog;
        this.version = version;
        this.step = step;
        this.createdAt = createdAt;
        this.oldestFreshIngestTime = oldestFreshIngestTime;
        this.checkpoint = checkpoint;
    }
}
