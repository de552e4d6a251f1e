package io.streamsynth.operators.embed;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.model.runtime.DeviceSpec;
import io.streamsynth.operators.train.Batches;
import io.streamsynth.operators.train.CatalogTrainer;
import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.ItemEmbedding;
import io.streamsynth.operators.types.ModelRelease;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class ItemEmbedderTest {
    private static final Random RANDOM = new Random(4);
    private static final int MAX_PARALLELISM = 128;

    private static CatalogTrainer trainer;
    private static ModelRelease v1;
    private static ModelRelease v2;

    @BeforeAll
    static void releases() {
        trainer = CatalogTrainer.create("shoes", Batches.settings(1), 0);
        trainer.publishColdStart(0); // version 0, as the trainer operator publishes it; the test starts at 1
        trainer.train(Batches.batch("shoes", 2, 2, RANDOM));
        v1 = trainer.publish(1);
        trainer.train(Batches.batch("shoes", 2, 2, RANDOM));
        v2 = trainer.publish(2);
    }

    @AfterAll
    static void closeTrainer() {
        trainer.close();
    }

    private static ImageSample item(String id, int label) {
        ImageSample s = new ImageSample();
        s.catalog = "shoes";
        s.itemId = id;
        s.label = "class-" + label;
        s.channels = 1;
        s.height = Batches.SIZE;
        s.width = Batches.SIZE;
        s.pixels = Batches.image(label, RANDOM);
        s.train = true;
        return s;
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, ImageSample, ModelRelease, ItemEmbedding> harness(
            int batchSize, int batchesPerSlice, int parallelism, int subtask) throws Exception {
        var operator = new ItemEmbedder(new EmbedderSettings(DeviceSpec.parse("cpu"), batchSize,
                Duration.ofMillis(50), batchesPerSlice));
        return new KeyedTwoInputStreamOperatorTestHarness<>(operator, ImageSample::itemKey,
                (ModelRelease r) -> "unused", Types.STRING, MAX_PARALLELISM, parallelism, subtask);
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, ImageSample, ModelRelease, ItemEmbedding> opened(
            int batchSize, int batchesPerSlice) throws Exception {
        var h = harness(batchSize, batchesPerSlice, 1, 0);
        h.setup();
        h.open();
        return h;
    }

    private static int pending(KeyedTwoInputStreamOperatorTestHarness<?, ?, ?, ?> h) {
        return ((ItemEmbedder) h.getOperator()).pendingRefresh();
    }

    /** Moves the clock one millisecond: at most one slice of a running pass runs. */
    private static void tick(KeyedTwoInputStreamOperatorTestHarness<?, ?, ?, ?> h) throws Exception {
        h.setProcessingTime(h.getProcessingTime() + 1);
    }

    private static void finishPasses(KeyedTwoInputStreamOperatorTestHarness<?, ?, ?, ?> h) throws Exception {
        for (int i = 0; i < 1000 && pending(h) > 0; i++) {
            tick(h);
        }
        assertThat(pending(h)).as("the passes end").isZero();
    }

    private static List<String> pairs(List<ItemEmbedding> out) {
        return out.stream().map(e -> e.itemId + "@" + e.modelVersion).toList();
    }

    @Test
    void embedsStoredItemsOnTheFirstVersionThenNewItemsInBatchesThenReembedsOnTheNext() throws Exception {
        try (var h = opened(3, 4)) {
            for (int i = 0; i < 4; i++) {
                h.processElement1(item("a" + i, i % 2), 0);
            }
            assertThat(h.extractOutputValues()).as("no model yet, nothing to embed with").isEmpty();

            h.processElement2(v1, 0);
            finishPasses(h);
            assertThat(pairs(h.extractOutputValues())).containsExactlyInAnyOrder("a0@1", "a1@1", "a2@1", "a3@1");

            h.processElement1(item("b0", 0), 0);
            h.processElement1(item("b1", 1), 0);
            assertThat(h.extractOutputValues()).as("two new items wait for a batch of three").hasSize(4);
            h.processElement1(item("b2", 0), 0);
            assertThat(h.extractOutputValues()).hasSize(7);

            h.processElement1(item("c0", 1), 0);
            h.setProcessingTime(1000); // the batch's delay has passed: embedded alone
            assertThat(h.extractOutputValues()).hasSize(8);

            h.processElement2(v2, 0);
            h.processElement2(v1, 0); // a stale version changes nothing
            finishPasses(h);
            List<ItemEmbedding> out = h.extractOutputValues();
            assertThat(out).hasSize(16);
            assertThat(out.subList(8, 16)).allSatisfy(e -> assertThat(e.modelVersion).isEqualTo(2));
            assertThat(out.subList(8, 16)).extracting(e -> e.itemId)
                    .containsExactlyInAnyOrder("a0", "a1", "a2", "a3", "b0", "b1", "b2", "c0");
            assertThat(out.get(0).vector).hasSize(Batches.ARCHITECTURE.embeddingSize());
        }
    }

    @Test
    void itemsStoredUnderAnotherImageContractThanTheModelsAreLeftOutNotFailed() throws Exception {
        try (var h = opened(4, 4)) {
            h.processElement1(item("grey", 0), 0);
            // stored as a catalog settings record of 3 channels decoded it, before its model's lineage arrived
            ImageSample rgb = item("rgb", 1);
            rgb.channels = 3;
            rgb.pixels = new byte[3 * Batches.SIZE * Batches.SIZE];
            h.processElement1(rgb, 0);
            h.processElement2(v1, 0);
            finishPasses(h);
            h.processElement1(item("new-grey", 1), 0);
            ImageSample rgbAgain = item("rgb-2", 0);
            rgbAgain.channels = 3;
            rgbAgain.pixels = new byte[3 * Batches.SIZE * Batches.SIZE];
            h.processElement1(rgbAgain, 0);
            h.setProcessingTime(1000);

            assertThat(pairs(h.extractOutputValues())).containsExactlyInAnyOrder("grey@1", "new-grey@1");
        }
    }

    @Test
    void aPassRunsInSlicesAndAPendingItemThatArrivesIsEmbeddedOnce() throws Exception {
        try (var h = opened(2, 1)) {
            for (int i = 0; i < 6; i++) {
                h.processElement1(item("a" + i, i % 2), 0);
            }
            h.processElement2(v1, 0);
            assertThat(h.extractOutputValues()).as("the release only starts the pass").isEmpty();
            tick(h);
            List<String> firstSlice = h.extractOutputValues().stream().map(e -> e.itemId).toList();
            assertThat(firstSlice).as("one slice of one batch").hasSize(2);
            assertThat(pending(h)).isEqualTo(4);

            // between slices records go through: two of the pending items arrive again and fill a batch
            List<String> stillPending = new ArrayList<>(List.of("a0", "a1", "a2", "a3", "a4", "a5"));
            stillPending.removeAll(firstSlice);
            h.processElement1(item(stillPending.get(0), 0), 0);
            h.processElement1(item(stillPending.get(1), 1), 0);
            assertThat(pending(h)).isEqualTo(2);
            assertThat(h.extractOutputValues()).hasSize(4);

            finishPasses(h);
            assertThat(pairs(h.extractOutputValues())).hasSize(6).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrder("a0@1", "a1@1", "a2@1", "a3@1", "a4@1", "a5@1");
        }
    }

    @Test
    void aNewerVersionDuringAPassRestartsItAtTheNewestVersion() throws Exception {
        try (var h = opened(2, 1)) {
            for (int i = 0; i < 6; i++) {
                h.processElement1(item("a" + i, i % 2), 0);
            }
            h.processElement2(v1, 0);
            tick(h);
            h.processElement2(v2, 0);
            finishPasses(h);
            List<String> out = pairs(h.extractOutputValues());
            assertThat(out).doesNotHaveDuplicates();
            assertThat(out.stream().filter(p -> p.endsWith("@1"))).as("the slice done before v2").hasSize(2);
            assertThat(out.stream().filter(p -> p.endsWith("@2")))
                    .containsExactlyInAnyOrder("a0@2", "a1@2", "a2@2", "a3@2", "a4@2", "a5@2");
        }
    }

    @Test
    void aSnapshotMidPassOnRocksDbResumesWithTheRemainingItemsOnly() throws Exception {
        OperatorSubtaskState snapshot;
        List<String> before;
        try (var h = harness(2, 1, 1, 0)) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
            h.setup();
            h.open();
            for (int i = 0; i < 7; i++) {
                h.processElement1(item("a" + i, i % 2), 0);
            }
            h.processElement2(v1, 0);
            tick(h);
            tick(h);
            before = pairs(h.extractOutputValues());
            assertThat(before).hasSize(4);
            snapshot = h.snapshot(1, 10);
        }
        try (var restored = harness(2, 1, 1, 0)) {
            restored.setStateBackend(new EmbeddedRocksDBStateBackend());
            restored.setup();
            restored.initializeState(snapshot);
            restored.open();
            assertThat(pending(restored)).isEqualTo(3);
            finishPasses(restored);
            List<String> all = new ArrayList<>(before);
            all.addAll(pairs(restored.extractOutputValues()));
            assertThat(all).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrder("a0@1", "a1@1", "a2@1", "a3@1", "a4@1", "a5@1", "a6@1");
        }
    }

    @Test
    void afterRescalingEachSubtaskKeepsOnlyThePendingItemsOfItsKeyGroups() throws Exception {
        OperatorSubtaskState snapshot;
        List<String> before;
        int items = 20;
        try (var h = opened(2, 1)) {
            for (int i = 0; i < items; i++) {
                h.processElement1(item("a" + i, i % 2), 0);
            }
            h.processElement2(v1, 0);
            tick(h);
            before = pairs(h.extractOutputValues());
            snapshot = h.snapshot(1, 10);
        }
        List<String> all = new ArrayList<>(before);
        for (int subtask = 0; subtask < 2; subtask++) {
            OperatorSubtaskState part = AbstractStreamOperatorTestHarness.repartitionOperatorState(snapshot,
                    MAX_PARALLELISM, 1, 2, subtask);
            try (var restored = harness(2, 1, 2, subtask)) {
                restored.setup();
                restored.initializeState(part);
                restored.open();
                assertThat(pending(restored)).as("subtask %d has part of the pass", subtask)
                        .isBetween(1, items - before.size() - 1);
                finishPasses(restored);
                all.addAll(pairs(restored.extractOutputValues()));
            }
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            expected.add("a" + i + "@1");
        }
        assertThat(all).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void itemsWaitingForTheirBatchSurviveASnapshot() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = opened(10, 4)) {
            h.processElement2(v1, 0);
            h.processElement1(item("x", 0), 0);
            h.processElement1(item("y", 1), 0);
            snapshot = h.snapshot(1, 1);
            assertThat(h.extractOutputValues()).isEmpty();
        }
        try (var restored = harness(10, 4, 1, 0)) {
            restored.setup();
            restored.initializeState(snapshot);
            restored.open();
            restored.setProcessingTime(1000);
            assertThat(pairs(restored.extractOutputValues())).containsExactlyInAnyOrder("x@1", "y@1");
        }
    }

    @Test
    void boundedInputThatEndsMidPassFinishesThePass() throws Exception {
        try (var h = opened(2, 1)) {
            for (int i = 0; i < 5; i++) {
                h.processElement1(item("a" + i, i % 2), 0);
            }
            h.processElement2(v1, 0);
            h.endAllInputs();
            h.getOperator().finish();
            assertThat(pairs(h.extractOutputValues())).doesNotHaveDuplicates().hasSize(5);
        }
    }

    private static ImageSample deletion(String id) {
        return ImageSample.deletion("shoes", id, 0, 0);
    }

    /** itemId@version#revision for embeddings, itemId@deleted for tombstones, in output order. */
    private static List<String> records(List<ItemEmbedding> out) {
        return out.stream().map(e -> e.deleted ? e.itemId + "@deleted"
                : e.itemId + "@" + e.modelVersion + "#" + e.itemRevision).toList();
    }

    /** Per item, (version, revision) strictly increase within a life, and a tombstone ends the life. */
    private static void assertOrderingContract(List<ItemEmbedding> out) {
        java.util.Map<String, long[]> last = new java.util.HashMap<>();
        for (ItemEmbedding e : out) {
            if (e.deleted) {
                last.remove(e.itemId);
                continue;
            }
            long[] previous = last.get(e.itemId);
            if (previous != null) {
                assertThat(e.modelVersion > previous[0] || e.modelVersion == previous[0] && e.itemRevision > previous[1])
                        .as("%s after %s@%d#%d", records(List.of(e)), e.itemId, previous[0], previous[1]).isTrue();
            }
            last.put(e.itemId, new long[] {e.modelVersion, e.itemRevision});
        }
    }

    @Test
    void aNewImageReplacesTheStoredOneAtTheNextRevisionAndTheNextVersionEmbedsIt() throws Exception {
        try (var h = opened(1, 4)) {
            h.processElement2(v1, 0);
            h.processElement1(item("a", 0), 0);
            ImageSample update = item("a", 1);
            h.processElement1(update, 0);
            h.processElement2(v2, 0);
            finishPasses(h);

            List<ItemEmbedding> out = h.extractOutputValues();
            assertThat(records(out)).containsExactly("a@1#1", "a@1#2", "a@2#2");
            assertThat(out.get(2).label).as("the pass embeds the newest image").isEqualTo("class-1");
            assertThat(out.get(2).vector).as("v2 differs from v1").isNotEqualTo(out.get(1).vector);
            assertThat(out.get(1).vector).isNotEqualTo(out.get(0).vector);
            assertOrderingContract(out);
        }
    }

    @Test
    void anOlderImageStillWaitingForItsBatchIsReplacedNotEmbedded() throws Exception {
        try (var h = opened(10, 4)) {
            h.processElement2(v1, 0);
            h.processElement1(item("a", 0), 0);
            h.processElement1(item("b", 0), 0);
            h.processElement1(item("a", 1), 0);
            h.setProcessingTime(1000);

            List<ItemEmbedding> out = h.extractOutputValues();
            assertThat(records(out)).containsExactlyInAnyOrder("a@1#2", "b@1#1");
            assertThat(out).filteredOn(e -> e.itemId.equals("a")).singleElement()
                    .satisfies(e -> assertThat(e.label).isEqualTo("class-1"));
        }
    }

    @Test
    void aDeleteEmitsOneTombstoneAndAPassInProgressNeverBringsTheItemBack() throws Exception {
        try (var h = opened(2, 1)) {
            for (int i = 0; i < 6; i++) {
                h.processElement1(item("a" + i, i % 2), 0);
            }
            h.processElement2(v1, 0);
            tick(h);
            List<String> firstSlice = h.extractOutputValues().stream().map(e -> e.itemId).toList();
            List<String> notReached = new ArrayList<>(List.of("a0", "a1", "a2", "a3", "a4", "a5"));
            notReached.removeAll(firstSlice);
            String embedded = firstSlice.get(0);
            String pendingItem = notReached.get(0);

            h.processElement1(deletion(embedded), 0);
            h.processElement1(deletion(pendingItem), 0);
            h.processElement1(deletion(pendingItem), 0); // deleted already: nothing more
            h.processElement1(deletion("never-seen"), 0);
            assertThat(pending(h)).isEqualTo(3);
            finishPasses(h);
            h.processElement2(v2, 0);
            finishPasses(h);

            List<ItemEmbedding> out = h.extractOutputValues();
            assertOrderingContract(out);
            assertThat(records(out)).filteredOn(r -> r.endsWith("@deleted"))
                    .containsExactly(embedded + "@deleted", pendingItem + "@deleted");
            assertThat(records(out)).filteredOn(r -> r.startsWith(pendingItem + "@")).containsExactly(pendingItem + "@deleted");
            assertThat(records(out)).filteredOn(r -> r.startsWith(embedded + "@"))
                    .containsExactly(embedded + "@1#1", embedded + "@deleted");
            assertThat(out).filteredOn(e -> e.modelVersion == 2).hasSize(4);
        }
    }

    @Test
    void aDeleteDropsTheItemFromTheWaitingBatchAndALaterImageStartsANewLife() throws Exception {
        try (var h = opened(10, 4)) {
            h.processElement2(v1, 0);
            h.processElement1(item("a", 0), 0);
            h.processElement1(item("a", 1), 0);
            h.processElement1(deletion("a"), 0);
            h.setProcessingTime(1000);
            assertThat(records(h.extractOutputValues())).as("never embedded, deleted all the same")
                    .containsExactly("a@deleted");

            h.processElement1(item("a", 0), 0);
            h.setProcessingTime(2000);
            assertThat(records(h.extractOutputValues())).containsExactly("a@deleted", "a@1#1");
        }
    }

    @Test
    void aWaitingImageIsRestoredOnTheSubtaskOfItsKeyAfterRescaling() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = opened(100, 4)) {
            h.processElement2(v1, 0);
            for (int i = 0; i < 12; i++) {
                h.processElement1(item("w" + i, i % 2), 0);
            }
            snapshot = h.snapshot(1, 1);
        }
        List<String> all = new ArrayList<>();
        for (int subtask = 0; subtask < 2; subtask++) {
            OperatorSubtaskState part = AbstractStreamOperatorTestHarness.repartitionOperatorState(snapshot,
                    MAX_PARALLELISM, 1, 2, subtask);
            try (var restored = harness(100, 4, 2, subtask)) {
                restored.setup();
                restored.initializeState(part);
                restored.open();
                List<String> mine = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    String key = item("w" + i, 0).itemKey();
                    if (org.apache.flink.runtime.state.KeyGroupRangeAssignment.assignKeyToParallelOperator(key,
                            MAX_PARALLELISM, 2) == subtask) {
                        mine.add("w" + i);
                        restored.processElement1(deletion("w" + i), 0);
                    }
                }
                restored.setProcessingTime(1000);
                List<ItemEmbedding> out = restored.extractOutputValues();
                assertThat(out).as("subtask %d: its own waiting images, deleted before their batch", subtask)
                        .allSatisfy(e -> assertThat(e.deleted).isTrue());
                assertThat(out).extracting(e -> e.itemId).containsExactlyInAnyOrderElementsOf(mine);
                all.addAll(mine);
            }
        }
        assertThat(all).hasSize(12);
    }
}
