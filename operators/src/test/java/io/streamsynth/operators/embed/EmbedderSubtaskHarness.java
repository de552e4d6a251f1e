package io.streamsynth.operators.embed;

import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.ItemEmbedding;
import io.streamsynth.operators.types.ModelRelease;
import java.util.stream.IntStream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;

/** Embedder harnesses that play one subtask of several, for rescale tests. */
final class EmbedderSubtaskHarness {
    private EmbedderSubtaskHarness() {}

    /**
     * A harness (not set up) running {@code operator} as subtask {@code subtask} of {@code parallelism}. The
     * broadcast input is not keyed in the job; the harness keys it all the same, so its key must be one this
     * subtask holds.
     */
    static KeyedTwoInputStreamOperatorTestHarness<String, ImageSample, ModelRelease, ItemEmbedding> of(
            ItemEmbedder operator, int maxParallelism, int parallelism, int subtask) throws Exception {
        String releaseKey = IntStream.range(0, 1000).mapToObj(i -> "release-" + i)
                .filter(k -> KeyGroupRangeAssignment.assignKeyToParallelOperator(k, maxParallelism, parallelism)
                        == subtask).findFirst().orElseThrow();
        return new KeyedTwoInputStreamOperatorTestHarness<>(operator, ImageSample::itemKey,
                (ModelRelease r) -> releaseKey, Types.STRING, maxParallelism, parallelism, subtask);
    }
}
