package io.streamsynth.operators.embed;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.model.checkpoint.Sha256;
import io.streamsynth.model.runtime.DeviceSpec;
import io.streamsynth.operators.train.Batches;
import io.streamsynth.operators.train.CatalogTrainer;
import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.ItemEmbedding;
import io.streamsynth.operators.types.ItemKey;
import io.streamsynth.operators.types.ModelRelease;
import io.streamsynth.operators.types.VersionProgress;
import io.streamsynth.operators.versions.VersionCoverage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The embedder's side output of version reports, per key group, through passes, deletes, restores and rescales. */
@Timeout(120)
class ItemEmbedderVersionReportsTest {
    private static final Random RANDOM = new Random(12);
    private static final int MAX_PARALLELISM = 128;
    private static final String CATALOG = "shoes";

    private static CatalogTrainer trainer;
    private static ModelRelease v1;
    private static ModelRelease v2;

    @BeforeAll
    static void releases() {
        trainer = CatalogTrainer.create(CATALOG, Batches.settings(1), 0);
        trainer.train(Batches.batch(CATALOG, 2, 2, RANDOM));
        v1 = trainer.publish(1);
        trainer.train(Batches.batch(CATALOG, 2, 2, RANDOM));
        v2 = trainer.publish(2);
    }

    @AfterAll
    static void closeTrainer() {
        trainer.close();
    }

    private static ImageSample item(String id) {
        ImageSample s = new ImageSample();
        s.catalog = CATALOG;
        s.itemId = id;
        s.label = "class-" + (id.hashCode() & 1);
        s.channels = 1;
        s.height = Batches.SIZE;
        s.width = Batches.SIZE;
        s.pixels = Batches.image(id.hashCode() & 1, RANDOM);
        s.train = true;
        return s;
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, ImageSample, ModelRelease, ItemEmbedding> harness(
            int parallelism, int subtask) throws Exception {
        // batches of two, one batch per slice: a pass over n items takes n/2 ticks
        var operator = new ItemEmbedder(new EmbedderSettings(DeviceSpec.parse("cpu"), 2, Duration.ofMillis(50), 1));
        var h = EmbedderSubtaskHarness.of(operator, MAX_PARALLELISM, parallelism, subtask);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        h.setup();
        return h;
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, ImageSample, ModelRelease, ItemEmbedding> opened()
            throws Exception {
        var h = harness(1, 0);
        h.open();
        return h;
    }

    private static List<VersionProgress> reports(KeyedTwoInputStreamOperatorTestHarness<?, ?, ?, ?> h) {
        var queue = h.getSideOutput(ItemEmbedder.VERSION_PROGRESS);
        return queue == null ? List.of() : queue.stream().map(StreamRecord::getValue).toList();
    }

    private static void tick(KeyedTwoInputStreamOperatorTestHarness<?, ?, ?, ?> h) throws Exception {
        h.setProcessingTime(h.getProcessingTime() + 1);
    }

    private static int pending(KeyedTwoInputStreamOperatorTestHarness<?, ?, ?, ?> h) {
        return ((ItemEmbedder) h.getOperator()).pendingRefresh();
    }

    private static void finishPasses(KeyedTwoInputStreamOperatorTestHarness<?, ?, ?, ?> h) throws Exception {
        for (int i = 0; i < 1000 && pending(h) > 0; i++) {
            tick(h);
        }
        tick(h);
        assertThat(pending(h)).as("the passes end").isZero();
    }

    private static int subtaskOf(String itemId, int parallelism) {
        return KeyGroupRangeAssignment.assignKeyToParallelOperator(ItemKey.asString(CATALOG, itemId),
                MAX_PARALLELISM, parallelism);
    }

    private static long sum(int[] values) {
        return Arrays.stream(values).asLongStream().sum();
    }

    private static VersionCoverage cover(List<VersionProgress> reports) {
        VersionCoverage c = VersionCoverage.empty(MAX_PARALLELISM, null, null);
        reports.forEach(c::add);
        return c;
    }

    @Test
    void theOwedReportsAreCheckpointedAsAFlinkPojo() {
        assertThat(TypeInformation.of(OwedReports.Entry.class)).isInstanceOf(PojoTypeInfo.class);
    }

    @Test
    void aSubtaskWithoutItemsOfTheCatalogReportsItsKeyGroupsCompleteWhenTheVersionArrives() throws Exception {
        try (var h = harness(2, 1)) {
            h.open();
            h.processElement2(v1, 0);
            List<VersionProgress> out = reports(h);
            assertThat(out).hasSize(1);
            VersionProgress r = out.get(0);
            assertThat(r.catalog).isEqualTo(CATALOG);
            assertThat(r.version).isEqualTo(v1.version);
            assertThat(r.superseded).isFalse();
            assertThat(r.maxParallelism).isEqualTo(MAX_PARALLELISM);
            assertThat(r.keyGroups).containsExactly(IntStream.range(64, 128).toArray());
            assertThat(sum(r.liveItems)).isZero();
            assertThat(r.checkpointSha256).isEqualTo(Sha256.hex(v1.checkpoint));
            assertThat(r.weightsSha256).hasSize(64);
        }
    }

    @Test
    void reportsCompleteOnceThePassIsThroughAfterEveryEmbeddingItCovers() throws Exception {
        int items = 7;
        try (var h = opened()) {
            for (int i = 0; i < items; i++) {
                h.processElement1(item("a" + i), 0);
            }
            h.processElement2(v1, 0);
            int ticks = 0;
            while (reports(h).isEmpty() && ticks++ < 100) {
                assertThat(h.extractOutputValues()).as("embedded before any report").hasSizeLessThan(items);
                tick(h);
            }
            assertThat(h.extractOutputValues()).as("every item embedded when the report comes").hasSize(items);
            List<VersionProgress> out = reports(h);
            assertThat(out).hasSize(1);
            assertThat(out.get(0).keyGroups).containsExactly(IntStream.range(0, MAX_PARALLELISM).toArray());
            assertThat(sum(out.get(0).liveItems)).isEqualTo(items);
            assertThat(out.get(0).embedded).isEqualTo(items);
            for (int i = 0; i < out.get(0).keyGroups.length; i++) {
                int group = out.get(0).keyGroups[i];
                long inGroup = IntStream.range(0, items).filter(n -> KeyGroupRangeAssignment.assignToKeyGroup(
                        ItemKey.asString(CATALOG, "a" + n), MAX_PARALLELISM) == group).count();
                assertThat(out.get(0).liveItems[i]).as("key group %d", group).isEqualTo((int) inGroup);
            }
            finishPasses(h);
            h.processElement1(item("late"), 0);
            h.setProcessingTime(h.getProcessingTime() + 100);
            assertThat(reports(h)).as("an item after the report is embedded, not reported again").hasSize(1);
        }
    }

    @Test
    void itemsDeletedDuringThePassAreNotCountedAndAnItemThatEndsThePassByArrivingIsEmbeddedFirst()
            throws Exception {
        try (var h = opened()) {
            for (int i = 0; i < 6; i++) {
                h.processElement1(item("a" + i), 0);
            }
            h.processElement2(v1, 0);
            tick(h);
            List<String> done = h.extractOutputValues().stream().map(e -> e.itemId).toList();
            List<String> left = new ArrayList<>(List.of("a0", "a1", "a2", "a3", "a4", "a5"));
            left.removeAll(done);
            assertThat(left).hasSize(4);
            // two of the pending items are deleted, one done item too; the other two arrive again
            h.processElement1(ImageSample.deletion(CATALOG, left.get(0), 0, 0), 0);
            h.processElement1(ImageSample.deletion(CATALOG, left.get(1), 0, 0), 0);
            h.processElement1(ImageSample.deletion(CATALOG, done.get(0), 0, 0), 0);
            h.processElement1(item(left.get(2)), 0);
            assertThat(reports(h)).isEmpty();
            h.processElement1(item(left.get(3)), 0);
            // the last pending item left the pass by arriving: it waits in a batch of one, which the report flushes
            assertThat(pending(h)).isZero();
            List<VersionProgress> out = reports(h);
            assertThat(out).hasSize(1);
            assertThat(sum(out.get(0).liveItems)).as("six stored, three deleted").isEqualTo(3);
            assertThat(h.extractOutputValues().stream().filter(e -> !e.deleted).map(e -> e.itemId))
                    .contains(left.get(2), left.get(3));
        }
    }

    @Test
    void aCatalogWhoseItemsWereAllDeletedReportsTheNextVersionCompleteWithNoItems() throws Exception {
        try (var h = opened()) {
            h.processElement1(item("a0"), 0);
            h.processElement1(item("a1"), 0);
            h.processElement2(v1, 0);
            finishPasses(h);
            h.processElement1(ImageSample.deletion(CATALOG, "a0", 0, 0), 0);
            h.processElement1(ImageSample.deletion(CATALOG, "a1", 0, 0), 0);
            h.processElement2(v2, 0);
            List<VersionProgress> out = reports(h);
            assertThat(out).extracting(r -> r.version).containsExactly(v1.version, v2.version);
            assertThat(sum(out.get(0).liveItems)).isEqualTo(2);
            assertThat(out.get(1).superseded).isFalse();
            assertThat(sum(out.get(1).liveItems)).isZero();
            assertThat(cover(List.of(out.get(1))).isComplete()).isTrue();
        }
    }

    @Test
    void aNewerVersionDuringThePassReportsTheOlderSupersededThenTheNewerComplete() throws Exception {
        try (var h = opened()) {
            for (int i = 0; i < 6; i++) {
                h.processElement1(item("a" + i), 0);
            }
            h.processElement2(v1, 0);
            tick(h);
            h.processElement2(v2, 0);
            finishPasses(h);
            List<VersionProgress> out = reports(h);
            assertThat(out).hasSize(2);
            assertThat(out.get(0).version).isEqualTo(v1.version);
            assertThat(out.get(0).superseded).isTrue();
            assertThat(out.get(0).embedded).as("one slice of two at v1").isEqualTo(2);
            assertThat(out.get(0).keyGroups).hasSize(MAX_PARALLELISM);
            assertThat(out.get(1).version).isEqualTo(v2.version);
            assertThat(out.get(1).superseded).isFalse();
            assertThat(sum(out.get(1).liveItems)).isEqualTo(6);
            assertThat(out.get(1).checkpointSha256).isEqualTo(Sha256.hex(v2.checkpoint));
        }
    }

    @Test
    void aVersionWhosePassWasThroughIsNotSupersededByTheNext() throws Exception {
        try (var h = opened()) {
            h.processElement1(item("a0"), 0);
            h.processElement2(v1, 0);
            finishPasses(h);
            h.processElement2(v2, 0);
            finishPasses(h);
            assertThat(reports(h)).extracting(r -> r.version + (r.superseded ? " superseded" : " complete"))
                    .containsExactly(v1.version + " complete", v2.version + " complete");
        }
    }

    @Test
    void aSnapshotMidPassOwesTheReportAndTheRestoredSubtaskSendsItOnce() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = opened()) {
            for (int i = 0; i < 8; i++) {
                h.processElement1(item("a" + i), 0);
            }
            h.processElement2(v1, 0);
            tick(h);
            snapshot = h.snapshot(1, 10);
            assertThat(reports(h)).as("mid-pass").isEmpty();
        }
        try (var restored = harness(1, 0)) {
            restored.initializeState(snapshot);
            restored.open();
            finishPasses(restored);
            List<VersionProgress> out = reports(restored);
            assertThat(out).hasSize(1);
            assertThat(out.get(0).version).isEqualTo(v1.version);
            assertThat(sum(out.get(0).liveItems)).isEqualTo(8);
            assertThat(cover(out).isComplete()).isTrue();
        }
    }

    @Test
    void aSnapshotAfterTheReportOwesNothing() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = opened()) {
            h.processElement1(item("a0"), 0);
            h.processElement2(v1, 0);
            finishPasses(h);
            assertThat(reports(h)).hasSize(1);
            snapshot = h.snapshot(1, 10);
        }
        try (var restored = harness(1, 0)) {
            restored.initializeState(snapshot);
            restored.open();
            restored.setProcessingTime(100);
            assertThat(reports(restored)).isEmpty();
        }
    }

    @Test
    void afterARescaleFromTwoToOneTheKeyGroupsStillOwedAreReportedAndTheUnionCoversAllOnce() throws Exception {
        List<String> ids = IntStream.range(0, 24).mapToObj(i -> "r" + i).toList();
        List<VersionProgress> all = new ArrayList<>();
        OperatorSubtaskState[] snapshots = new OperatorSubtaskState[2];
        for (int subtask = 0; subtask < 2; subtask++) {
            try (var h = harness(2, subtask)) {
                h.open();
                for (String id : ids) {
                    if (subtaskOf(id, 2) == subtask) {
                        h.processElement1(item(id), 0);
                    }
                }
                h.processElement2(v1, 0);
                if (subtask == 0) {
                    finishPasses(h); // subtask 0 is through and reports
                } else {
                    tick(h); // subtask 1 is mid-pass at the savepoint
                }
                all.addAll(reports(h));
                snapshots[subtask] = h.snapshot(1, 10);
            }
        }
        assertThat(all).as("only subtask 0 reported before the savepoint").hasSize(1);
        assertThat(cover(all).isComplete()).isFalse();

        OperatorSubtaskState merged = AbstractStreamOperatorTestHarness.repartitionOperatorState(
                AbstractStreamOperatorTestHarness.repackageState(snapshots), MAX_PARALLELISM, 2, 1, 0);
        try (var restored = harness(1, 0)) {
            restored.initializeState(merged);
            restored.open();
            finishPasses(restored);
            List<VersionProgress> after = reports(restored);
            assertThat(after).hasSize(1);
            assertThat(after.get(0).keyGroups).as("the key groups subtask 1 owed")
                    .containsExactly(IntStream.range(64, 128).toArray());
            all.addAll(after);
        }
        VersionCoverage coverage = cover(all);
        assertThat(coverage.isComplete()).isTrue();
        assertThat(coverage.items()).isEqualTo(ids.size());
    }

    @Test
    void afterARescaleFromOneToTwoEachSubtaskReportsItsOwnHalfOfTheOwedKeyGroups() throws Exception {
        OperatorSubtaskState snapshot;
        List<String> ids = IntStream.range(0, 24).mapToObj(i -> "s" + i).toList();
        try (var h = opened()) {
            for (String id : ids) {
                h.processElement1(item(id), 0);
            }
            h.processElement2(v1, 0);
            tick(h);
            snapshot = h.snapshot(1, 10);
        }
        List<VersionProgress> all = new ArrayList<>();
        for (int subtask = 0; subtask < 2; subtask++) {
            try (var restored = harness(2, subtask)) {
                restored.initializeState(AbstractStreamOperatorTestHarness.repartitionOperatorState(snapshot,
                        MAX_PARALLELISM, 1, 2, subtask));
                restored.open();
                finishPasses(restored);
                List<VersionProgress> out = reports(restored);
                assertThat(out).hasSize(1);
                assertThat(out.get(0).keyGroups).hasSize(MAX_PARALLELISM / 2);
                all.addAll(out);
            }
        }
        VersionCoverage coverage = cover(all);
        assertThat(coverage.isComplete()).isTrue();
        assertThat(coverage.items()).isEqualTo(ids.size());
    }
}
