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

    /**
     * Between snapshots a sample changes the catalog's index only on the heap; the snapshot writes
     * it, per catalog, and a builder restored from it carries on with exactly those buffers.
     */
    @ParameterizedTest
    @MethodSource("backends")
    void aSnapshotWritesTheIndexesThatSamplesKeptOnTheHeapAndARestoreResumesThem(Supplier<StateBackend> backend)
            throws Exception {
        // P = K = 2: each catalog below stops one sample short of its first batch.
        BatchPolicy policy = BatchPolicy.of(2, 2, 7L);
        OperatorSubtaskState snapshot;
        CatalogIndex shopAtSnapshot;
        CatalogIndex bagsAtSnapshot;
        try (BuilderHarness original = BuilderHarness.start(policy, backend.get())) {
            assertThat(original.sendAll(List.of(
                    train("shop", "a", 1), train("bags", "x", 101),
                    train("shop", "b", 2), train("bags", "y", 102),
                    train("shop", "a", 3), train("bags", "x", 103)))).isEmpty();
            assertThat(original.storedIndex("shop")).isNull();
            assertThat(original.storedIndex("bags")).isNull();
            shopAtSnapshot = original.index("shop");
            bagsAtSnapshot = original.index("bags");
            assertThat(shopAtSnapshot.classes).extracting(c -> c.label + "=" + c.size).containsExactly("a=2", "b=1");
            assertThat(bagsAtSnapshot.classes).extracting(c -> c.label + "=" + c.size).containsExactly("x=2", "y=1");

            snapshot = original.snapshot(1L);

            assertThat(original.storedIndex("shop")).usingRecursiveComparison().isEqualTo(shopAtSnapshot);
            assertThat(original.storedIndex("bags")).usingRecursiveComparison().isEqualTo(bagsAtSnapshot);
            // A sample after a snapshot reaches state with the next snapshot, not before.
            original.send(train("shop", "c", 9));
            assertThat(original.storedIndex("shop")).usingRecursiveComparison().isEqualTo(shopAtSnapshot);
            original.snapshot(2L);
            assertThat(original.storedIndex("shop").classes).extracting(c -> c.label).containsExactly("a", "b", "c");
            assertThat(original.storedIndex("bags")).usingRecursiveComparison().isEqualTo(bagsAtSnapshot);
        }

        try (BuilderHarness restored = BuilderHarness.restore(policy, backend.get(), snapshot)) {
            assertThat(restored.index("shop")).usingRecursiveComparison().isEqualTo(shopAtSnapshot);
            assertThat(restored.index("bags")).usingRecursiveComparison().isEqualTo(bagsAtSnapshot);

            List<TrainerInput> shop = restored.send(train("shop", "b", 4));
            List<TrainerInput> bags = restored.send(train("bags", "y", 104));

            // Each batch is made of the samples buffered before the snapshot plus the one that completed it.
            assertThat(shop).hasSize(1);
            assertThat(shop.get(0).catalog).isEqualTo("shop");
            assertThat(idsWithLabels(shop.get(0))).containsExactlyInAnyOrder("1a", "3a", "2b", "4b");
            assertThat(shop.get(0).freshCount).isEqualTo(4);
            assertThat(bags).hasSize(1);
            assertThat(bags.get(0).catalog).isEqualTo("bags");
            assertThat(idsWithLabels(bags.get(0))).containsExactlyInAnyOrder("101x", "103x", "102y", "104y");
            assertThat(restored.index("shop").batches).isEqualTo(1);
            assertThat(restored.index("bags").batches).isEqualTo(1);
        }
    }

    private static List<String> idsWithLabels(TrainerInput batch) {
        List<Integer> ids = TestSamples.ids(batch);
        List<String> pairs = new ArrayList<>();
        for (int n = 0; n < ids.size(); n++) {
            pairs.add(ids.get(n) + batch.labels[n]);
        }
        return pairs;
    }
}
