package io.streamsynth.operators.kafka;

import io.streamsynth.operators.types.CheckpointChunk;
import java.util.HashMap;
import java.util.Map;

/**
 * The chunks of one checkpoint received so far. Chunks are kept as they come rather than in an
 * array sized from the headers, so memory follows the bytes actually received, not the claims.
 */
final class PartialCheckpoint {

    private final int count;
    private final long totalBytes;
    private final String sha256;
    private final Map<Integer, byte[]> chunks = new HashMap<>();
    private long receivedBytes;

    PartialCheckpoint(CheckpointChunk first) {
        this.count = first.count;
        this.totalBytes = first.totalBytes;
        this.sha256 = first.sha256;
    }

    /** Whether the chunk describes the same whole checkpoint as the chunks before it. */
    boolean belongsHere(CheckpointChunk chunk) {
        return chunk.count == count && chunk.totalBytes == totalBytes && chunk.sha256.equals(sha256);
    }

    /** Adds the chunk; false if a chunk with its index was already there. */
    boolean add(CheckpointChunk chunk) {
        if (chunks.containsKey(chunk.index)) {
            return false;
        }
        if (receivedBytes + chunk.bytes.length > totalBytes) {
            throw new WireFormatException("chunks of checkpoint " + chunk.catalog + " v" + chunk.version
                    + " add up to more than the " + totalBytes + " bytes their headers declare");
        }
        chunks.put(chunk.index, chunk.bytes);
        receivedBytes += chunk.bytes.length;
        return true;
    }

    boolean isComplete() {
        return chunks.size() == count;
    }

    String sha256() {
        return sha256;
    }

    /** The chunks joined in index order; call only once complete. */
    byte[] join() {
        byte[] whole = new byte[Math.toIntExact(receivedBytes)];
        int at = 0;
        for (int index = 0; index < count; index++) {
            byte[] chunk = chunks.get(index);
            System.arraycopy(chunk, 0, whole, at, chunk.length);
            at += chunk.length;
        }
        return whole;
    }

    /** How far the collection got, e.g. "3 of 5 chunks". */
    String progress() {
        return chunks.size() + " of " + count + " chunks";
    }
}
