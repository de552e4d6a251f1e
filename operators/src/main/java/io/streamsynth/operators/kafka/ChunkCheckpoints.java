package io.streamsynth.operators.kafka;

import io.streamsynth.operators.types.CheckpointChunk;
import io.streamsynth.operators.types.ModelRelease;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/** Flink's view of {@link CheckpointChunker}: one model release in, its chunks out, in order. */
public class ChunkCheckpoints implements FlatMapFunction<ModelRelease, CheckpointChunk> {

    private static final long serialVersionUID = 1L;

    private final int maxChunkBytes;

    public ChunkCheckpoints(int maxChunkBytes) {
        this.maxChunkBytes = CheckpointChunker.requireValidChunkSize(maxChunkBytes);
    }

    @Override
    public void flatMap(ModelRelease release, Collector<CheckpointChunk> out) {
        for (CheckpointChunk chunk : CheckpointChunker.split(release, maxChunkBytes)) {
            out.collect(chunk);
        }
    }
}
