package io.streamsynth.operators.kafka;

import io.streamsynth.operators.types.CheckpointChunk;
import io.streamsynth.operators.types.ModelRelease;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts an encoded checkpoint into chunks small enough for the topic's message limit; every chunk
 * carries what a consumer needs to put them back together and verify the result.
 */
public final class CheckpointChunker {

    private CheckpointChunker() {
    }

    /**
     * @param maxChunkBytes largest slice per chunk; keep it under the topic's max.message.bytes
     *                      minus room for key and headers
     */
    public static List<CheckpointChunk> split(ModelRelease release, int maxChunkBytes) {
        requireValidChunkSize(maxChunkBytes);
        byte[] bytes = release.checkpoint;
        if (bytes == null) {
            throw new IllegalArgumentException("release " + release.catalog + " v" + release.version
                    + " has no checkpoint bytes");
        }
        String sha256 = release.checkpointDigest();
        // An empty checkpoint still travels as one (empty) chunk, so consumers see the version.
        int count = Math.max(1, (int) ((bytes.length + (long) maxChunkBytes - 1) / maxChunkBytes));
        List<CheckpointChunk> chunks = new ArrayList<>(count);
        for (int index = 0; index < count; index++) {
            int from = index * maxChunkBytes;
            int to = Math.min(bytes.length, from + maxChunkBytes);
            chunks.add(new CheckpointChunk(release.catalog, release.version, index, count, bytes.length, sha256,
                    Arrays.copyOfRange(bytes, from, to)));
        }
        return chunks;
    }

    static int requireValidChunkSize(int maxChunkBytes) {
        if (maxChunkBytes < 1) {
            throw new IllegalArgumentException("maxChunkBytes must be positive, got " + maxChunkBytes);
        }
        return maxChunkBytes;
    }
}
