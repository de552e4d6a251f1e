package io.streamsynth.operators.kafka;

/**
 * Headers of a checkpoint chunk record (topic {@code checkpoints}, key: the catalog in UTF-8,
 * value: the chunk's slice of the encoded checkpoint). All values are UTF-8 text; numbers are
 * decimal.
 */
public final class CheckpointChunkHeaders {

    /** The model version the checkpoint holds. */
    public static final String VERSION = "streamsynth.checkpoint.version";
    /** Position of this chunk, 0-based. */
    public static final String CHUNK_INDEX = "streamsynth.checkpoint.chunk.index";
    /** How many chunks make up the checkpoint. */
    public static final String CHUNK_COUNT = "streamsynth.checkpoint.chunk.count";
    /** Length of the whole encoded checkpoint in bytes. */
    public static final String TOTAL_BYTES = "streamsynth.checkpoint.total.bytes";
    /** SHA-256 (lowercase hex) of the whole encoded checkpoint. */
    public static final String SHA256 = "streamsynth.checkpoint.sha256";
    /** Chunking format; {@value #FORMAT_VALUE} is the only one so far. */
    public static final String FORMAT = "streamsynth.checkpoint.format";
    public static final String FORMAT_VALUE = "ssck-1";

    private CheckpointChunkHeaders() {
    }
}
