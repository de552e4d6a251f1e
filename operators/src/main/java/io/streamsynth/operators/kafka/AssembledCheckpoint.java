package io.streamsynth.operators.kafka;

/**
 * A checkpoint put back together from its chunks and verified against its sha256.
 *
 * @param bytes the encoded checkpoint, as the model module's CheckpointCodec wrote it
 */
public record AssembledCheckpoint(String catalog, long version, byte[] bytes) {
}
