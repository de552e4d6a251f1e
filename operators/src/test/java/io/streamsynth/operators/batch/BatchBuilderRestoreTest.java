package io.streamsynth.operators.batch;

import static io.streamsynth.operators.batch.TestSamples.train;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.TrainerInput;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The builder's buffers and random sequence survive a checkpoint, on the heap and on RocksDB. */
class BatchBuilderRestoreTest {
    /** K = 4 with a batch due every 2 fresh samples, so batches mix fresh and replayed samples. */
    private static final BatchPolicy POLICY = BatchPolicy.of(2, 4, 99L).withFreshPerBatch(2);

    static Stream<Arguments> backends() {
        return Stream.of(
                Arguments.of(Named.of("heap", (Supplier<StateBackend>) HashMapStateBackend::new)),
                Arguments.of(Named.of("rocksdb", (Supplier<StateBackend>) EmbeddedRocksDBStateBackend::new)));
    }

    private static List<ImageSample> stream(int fromId, int toId) {
        Random random = new Random(fromId);
        List<ImageSample> samples = new ArrayList<>();
        for (int id = fromId; id < toId; id++) {
            samples.add(train("shop", "class-" + random.nextInt(5), id));
        }
        return samples;
    }

    /** Everything the trainer would see of a batch, comparable with equals. */
    private static List<String> describe(List<TrainerInput> outputs) {
        return outputs.stream()
                .map(o -> o.kind + " " + Arrays.toString(o.labels) + " " + TestSamples.ids(o) + " fresh=" + o.freshCount
                        + " oldest=" + o.oldestFreshIngestTime + " " + Arrays.hashCode(o.pixels))
                .collect(Collectors.toList());
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aRestoredBuilderBuildsTheSameNextBatchesFromTheSameBuffers(Supplier<StateBackend> backend)
            throws Exception {
        List<ImageSample> before = stream(0, 60);
        List<ImageSample> after = stream(60, 120);
        OperatorSubtaskState snapshot;
        List<TrainerInput> expected;
        CatalogIndex indexAtSnapshot;
        try (BuilderHarness original = BuilderHarness.start(POLICY, backend.get())) {
            assertThat(original.sendAll(before)).isNotEmpty();
            indexAtSnapshot = original.index("shop");
            snapshot = original.snapshot(1L);
            expected = original.sendAll(after);
        }

        try (BuilderHarness restored = BuilderHarness.restore(POLICY, backend.get(), snapshot)) {
            CatalogIndex restoredIndex = restored.index("shop");
            assertThat(restoredIndex.batches).isEqualTo(indexAtSnapshot.batches);
            assertThat(restoredIndex.classes).usingRecursiveFieldByFieldElementComparator()
                    .containsExactly(indexAtSnapshot.classes);

            List<TrainerInput> actual = restored.sendAll(after);

            assertThat(describe(actual)).isNotEmpty().isEqualTo(describe(expected));
            // The restored batches replay samples that only the snapshot could have brought back.
            assertThat(actual.stream().flatMap(b -> TestSamples.ids(b).stream())).anyMatch(id -> id < 60);
        }
    }
}
