package io.streamsynth.operators.types;

/**
 * One slice of an encoded checkpoint, so that a checkpoint larger than the topic's message limit
 * still reaches consumers whole: they collect chunks 0..count-1 of a (catalog, version) and check
 * the sha256 of the joined bytes.
 */
public class CheckpointChunk {
    public String catalog;
    public long version;
    public int index;
    public int count;
    public long totalBytes;
    /** sha256 (hex) of the whole encoded checkpoint. */
    public String sha256;
    public byte[] bytes;

    public CheckpointChunk() {}

    public CheckpointChunk(String catalog, long version, int index, int count, long totalBytes, String sha256,
            byte[] bytes) {
        this.catalog = catalog;
        this.version = version;
        this.index = index;
        this.count = count;
        this.totalBytes = totalBytes;
        this.sha256 = sha256;
        this.bytes = bytes;
    }
}
