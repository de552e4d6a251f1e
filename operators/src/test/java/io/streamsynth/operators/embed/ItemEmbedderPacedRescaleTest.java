package io.streamsynth.operators.embed;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.model.runtime.DeviceSpec;
import io.streamsynth.operators.train.Batches;
import io.streamsynth.operators.train.CatalogTrainer;
import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.ItemEmbedding;
import io.streamsynth.operators.types.ItemKey;
import io.streamsynth.operators.types.ModelRelease;
import io.streamsynth.operators.types.VersionProgress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A rescale while paced subtasks disagree on the served version. Under pacing one subtask may serve a
 * version while another still holds it waiting for its pause, and broadcast state is restored from one
 * old subtask's copy; whichever copy a new subtask gets, every item must reach the newest version exactly
 * once and every key group must report it complete exactly once (else its version marker never comes).
 */
@Timeout(120)
class ItemEmbedderPacedRescaleTest {
    private static final Random RANDOM = new Random(7);
    private static final int MAX_PARALLELISM = 128;
    private static final String CATALOG = "shoes";
    private static final List<String> IDS = IntStream.range(0, 40).mapToObj(i -> "p" + i).toList();
    private static CatalogTrainer trainer;
    private static ModelRelease v1;
    private static ModelRelease v2;
    private static ModelRelease v3;

    @BeforeAll
    static void releases() {
        trainer = CatalogTrainer.create(CATALOG, Batches.settings(1), 0);
        trainer.publishColdStart(0);
        trainer.train(Batches.batch(CATALOG, 2, 2, RANDOM));
        v1 = trainer.publish(1);
        trainer.train(Batches.batch(CATALOG, 2, 2, RANDOM));
        v2 = trainer.publish(2);
        trainer.train(Batches.batch(CATALOG, 2, 2, RANDOM));
        v3 = trainer.publish(3);
        assertThat(List.of(v1.version, v2.version, v3.version)).containsExactly(1L, 2L, 3L);
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

    /** Batches of 2, one batch per slice, pause factor 1. */
    private static KeyedTwoInputStreamOperatorTestHarness<String, ImageSample, ModelRelease, ItemEmbedding> harness(
            int parallelism, int subtask) throws Exception {
        var operator = new ItemEmbedder(new EmbedderSettings(DeviceSpec.parse("cpu"), 2, Duration.ofMillis(50), 1)
                .withRefreshPauseFactor(1));
        var h = EmbedderSubtaskHarness.of(operator, MAX_PARALLELISM, parallelism, subtask);
        h.setup();
        return h;
    }

    private static boolean heldBy(String id, int parallelism, int subtask) {
        return KeyGroupRangeAssignment.assignKeyToParallelOperator(ItemKey.asString(CATALOG, id), MAX_PARALLELISM,
                parallelism) == subtask;
    }

    private static void runUntil(KeyedTwoInputStreamOperatorTestHarness<?, ?, ?, ?> h, long until) throws Exception {
        while (h.getProcessingTime() < until) {
            h.setProcessingTime(h.getProcessingTime() + 1);
        }
    }

    private static List<VersionProgress> reports(KeyedTwoInputStreamOperatorTestHarness<?, ?, ?, ?> h) {
        var queue = h.getSideOutput(ItemEmbedder.VERSION_PROGRESS);
        return queue == null ? List.of() : queue.stream().map(StreamRecord::getValue).toList();
    }

    /** What one old subtask did before the savepoint. */
    private enum Before {
        /** Served version 2 after its pause and finished the pass. */
        SERVED_AND_THROUGH,
        /** Served version 2 after its pause; its pass runs at the savepoint. */
        SERVED_MID_PASS,
        /** Version 2 arrived during the pause after version 1's pass: it waits. */
        WAITING,
        /** Version 2 arrived during version 1's pass: it waits, and that pass runs at the savepoint. */
        WAITING_MID_PASS,
        /** During version 1's pass version 2 arrived and waited, then version 3 replaced it: 2 is skipped here. */
        SKIPPED_MID_PASS,
        /** Served version 2 and then version 3, each after its pause, and finished both passes. */
        SERVED_V3_AND_THROUGH
    }

    /** The newest version every old subtask received: every item must reach it. */
    private long newest = 2;
    private final List<ItemEmbedding> out = new ArrayList<>();
    private final List<VersionProgress> progress = new ArrayList<>();

    /** Runs one subtask of two through version 1's pass and then version 2 as {@code before} says; snapshots it. */
    private OperatorSubtaskState oldSubtask(int subtask, Before before) throws Exception {
        try (var h = harness(2, subtask)) {
            h.open();
            h.setProcessingTime(0);
            for (String id : IDS) {
                if (heldBy(id, 2, subtask)) {
                    h.processElement1(item(id), 0);
                }
            }
            h.processElement2(v1, 0);
            if (before == Before.WAITING_MID_PASS || before == Before.SKIPPED_MID_PASS) {
                runUntil(h, 2);
                h.processElement2(v2, 2);
                if (before == Before.SKIPPED_MID_PASS) {
                    runUntil(h, 3);
                    h.processElement2(v3, 3);
                }
                assertThat(((ItemEmbedder) h.getOperator()).pendingRefresh()).as("mid-pass").isPositive();
                out.addAll(h.extractOutputValues());
                progress.addAll(reports(h));
                return h.snapshot(1, h.getProcessingTime());
            }
            while (((ItemEmbedder) h.getOperator()).pendingRefresh() > 0) {
                h.setProcessingTime(h.getProcessingTime() + 1); // version 1's pass: a batch a millisecond
            }
            if (before == Before.WAITING) {
                // a new image, still in the waiting batch at the savepoint: the stream runs, the pause holds
                String updated = IDS.stream().filter(id -> heldBy(id, 2, subtask)).findFirst().orElseThrow();
                long t = h.getProcessingTime() + 1;
                h.setProcessingTime(t);
                h.processElement1(item(updated), t);
                h.processElement2(v2, t);
                runUntil(h, t + 1);
                assertThat(h.extractOutputValues()).as("version 2 waits").allMatch(e -> e.modelVersion == 1);
            } else {
                runUntil(h, 60); // past the pause
                h.processElement2(v2, 60);
                runUntil(h, before == Before.SERVED_MID_PASS ? 62 : 100);
                assertThat(h.extractOutputValues()).as("version 2 served").anyMatch(e -> e.modelVersion == 2);
                if (before == Before.SERVED_V3_AND_THROUGH) {
                    h.processElement2(v3, 200); // past the pause after version 2's pass
                    runUntil(h, 300);
                    assertThat(h.extractOutputValues()).as("version 3 served").anyMatch(e -> e.modelVersion == 3);
                }
                assertThat(((ItemEmbedder) h.getOperator()).pendingRefresh() > 0).as("mid-pass")
                        .isEqualTo(before == Before.SERVED_MID_PASS);
            }
            out.addAll(h.extractOutputValues());
            progress.addAll(reports(h));
            return h.snapshot(1, h.getProcessingTime());
        }
    }

    /** The reports of each new subtask in the order it sent them, as "version complete|superseded". */
    private final List<List<String>> restoredReports = new ArrayList<>();

    /** Restores the two snapshots at {@code parallelism} and runs every new subtask until its passes end. */
    private void restoreAt(int parallelism, OperatorSubtaskState[] old) throws Exception {
        OperatorSubtaskState packed = AbstractStreamOperatorTestHarness.repackageState(old);
        for (int subtask = 0; subtask < parallelism; subtask++) {
            try (var h = harness(parallelism, subtask)) {
                h.initializeState(AbstractStreamOperatorTestHarness.repartitionOperatorState(packed, MAX_PARALLELISM,
                        2, parallelism, subtask));
                h.open();
                h.setProcessingTime(1000);
                runUntil(h, 1200);
                assertThat(((ItemEmbedder) h.getOperator()).pendingRefresh()).as("subtask %d's passes end", subtask)
                        .isZero();
                List<ItemEmbedding> after = h.extractOutputValues();
                assertThat(after).as("nothing below version %d after the restore", newest)
                        .allMatch(e -> e.modelVersion == newest);
                out.addAll(after);
                progress.addAll(reports(h));
                restoredReports.add(reports(h).stream()
                        .map(p -> p.version + (p.superseded ? " superseded" : " complete")).toList());
            }
        }
    }

    private void assertEveryItemAtTheNewestVersionOnceAndEveryKeyGroupReportedOnce() {
        Map<String, Long> atNewest = out.stream().filter(e -> e.modelVersion == newest)
                .collect(Collectors.groupingBy(e -> e.itemId, Collectors.counting()));
        Map<String, Long> expected = new HashMap<>();
        IDS.forEach(id -> expected.put(id, 1L));
        assertThat(atNewest).as("records at version %d per item", newest).isEqualTo(expected);

        int[] complete = new int[MAX_PARALLELISM];
        for (VersionProgress p : progress) {
            if (p.version == newest) {
                assertThat(p.superseded).as("version %d superseded", newest).isFalse();
                for (int g : p.keyGroups) {
                    complete[g]++;
                }
            }
        }
        assertThat(complete).as("complete reports of version %d per key group", newest).containsOnly(1);
    }

    @Test
    void aScaleInOntoTheSubtaskThatServedTheVersionStillBringsTheOtherKeyGroupsToIt() throws Exception {
        restoreAt(1, new OperatorSubtaskState[] {oldSubtask(0, Before.SERVED_AND_THROUGH),
                oldSubtask(1, Before.WAITING)});
        assertEveryItemAtTheNewestVersionOnceAndEveryKeyGroupReportedOnce();
    }

    @Test
    void aScaleInOntoTheSubtaskWhereTheVersionWaitedDoesNotEmbedTheOtherKeyGroupsTwice() throws Exception {
        restoreAt(1, new OperatorSubtaskState[] {oldSubtask(0, Before.WAITING),
                oldSubtask(1, Before.SERVED_AND_THROUGH)});
        assertEveryItemAtTheNewestVersionOnceAndEveryKeyGroupReportedOnce();
    }

    @Test
    void aScaleInWithTheServedVersionsPassRunningFinishesItAndBringsTheWaitingKeyGroupsToIt() throws Exception {
        restoreAt(1, new OperatorSubtaskState[] {oldSubtask(0, Before.SERVED_MID_PASS),
                oldSubtask(1, Before.WAITING)});
        assertEveryItemAtTheNewestVersionOnceAndEveryKeyGroupReportedOnce();
    }

    @Test
    void aScaleOutSplitsTheKeyGroupsOfBothOldSubtasksCorrectly() throws Exception {
        restoreAt(3, new OperatorSubtaskState[] {oldSubtask(0, Before.WAITING),
                oldSubtask(1, Before.SERVED_MID_PASS)});
        assertEveryItemAtTheNewestVersionOnceAndEveryKeyGroupReportedOnce();
    }

    @Test
    void aPassTheRestoreCutIsReportedSupersededBeforeTheNewerVersionsReport() throws Exception {
        restoreAt(1, new OperatorSubtaskState[] {oldSubtask(0, Before.SERVED_AND_THROUGH),
                oldSubtask(1, Before.WAITING_MID_PASS)});
        assertEveryItemAtTheNewestVersionOnceAndEveryKeyGroupReportedOnce();
        // subtask 1 owed version 1 for its key groups: a marker of it must come, and before version 2's
        assertThat(restoredReports).containsExactly(List.of("1 superseded", "2 complete"));
    }

    @Test
    void theServedKeyGroupsAreCheckpointedAsAFlinkPojo() {
        assertThat(TypeInformation.of(ServedKeyGroups.Entry.class)).isInstanceOf(PojoTypeInfo.class);
    }

    @Test
    void aVersionSkippedBeforeTheSavepointIsReportedSupersededAfterTheRestore() throws Exception {
        newest = 3;
        restoreAt(1, new OperatorSubtaskState[] {oldSubtask(0, Before.SERVED_V3_AND_THROUGH),
                oldSubtask(1, Before.SKIPPED_MID_PASS)});
        assertEveryItemAtTheNewestVersionOnceAndEveryKeyGroupReportedOnce();
        // subtask 1 never served version 2: without its superseded report version 2 would get no marker
        assertThat(restoredReports).containsExactly(List.of("1 superseded", "2 superseded", "3 complete"));
    }
}
