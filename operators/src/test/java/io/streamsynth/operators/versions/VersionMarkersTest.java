package io.streamsynth.operators.versions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsynth.operators.types.VersionMarker;
import io.streamsynth.operators.types.VersionProgress;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class VersionMarkersTest {
    /** A small embedder: four key groups, so reports can be written out by hand. */
    private static final int GROUPS = 4;

    private static KeyedOneInputStreamOperatorTestHarness<String, VersionProgress, VersionMarker> harness()
            throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new VersionMarkers()),
                (VersionProgress p) -> p.catalog, Types.STRING);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        h.setup();
        return h;
    }

    private static VersionProgress complete(String catalog, long version, int[] groups, int... live) {
        return new VersionProgress(catalog, version, false, GROUPS, groups, live, 0, "c" + version, "w" + version);
    }

    private static VersionProgress superseded(String catalog, long version, long embedded, int... groups) {
        return new VersionProgress(catalog, version, true, GROUPS, groups, new int[groups.length], embedded,
                "c" + version, "w" + version);
    }

    private static int[] groups(int... g) {
        return g;
    }

    private static List<String> markers(KeyedOneInputStreamOperatorTestHarness<?, ?, VersionMarker> h) {
        return h.extractOutputValues().stream().map(VersionMarker::toString).toList();
    }

    @Test
    void aVersionIsCompleteWhenItsKeyGroupsCoverTheEmbedderAndItsItemsAddUp() throws Exception {
        try (var h = harness()) {
            h.open();
            h.setProcessingTime(1234);
            h.processElement(complete("shoes", 3, groups(0, 1), 2, 5), 0);
            h.processElement(complete("shoes", 3, groups(3), 1), 0);
            assertThat(h.extractOutputValues()).as("key group 2 has not reported").isEmpty();
            h.processElement(complete("shoes", 3, groups(2), 0), 0);
            List<VersionMarker> out = h.extractOutputValues();
            assertThat(out).hasSize(1);
            VersionMarker m = out.get(0);
            assertThat(m.catalog).isEqualTo("shoes");
            assertThat(m.version).isEqualTo(3);
            assertThat(m.isComplete()).isTrue();
            assertThat(m.items).isEqualTo(8);
            assertThat(m.timeMillis).isEqualTo(1234);
            assertThat(m.checkpointSha256).isEqualTo("c3");
            assertThat(m.weightsSha256).isEqualTo("w3");
        }
    }

    @Test
    void aKeyGroupReportedTwiceCountsOnceAndASettledVersionIsNeverMarkedAgain() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(complete("shoes", 1, groups(0, 1), 4, 4), 0);
            h.processElement(complete("shoes", 1, groups(1), 3), 0); // a restored subtask speaks again
            assertThat(h.extractOutputValues()).isEmpty();
            h.processElement(complete("shoes", 1, groups(2, 3), 1, 1), 0);
            h.processElement(complete("shoes", 1, groups(0, 1, 2, 3), 1, 1, 1, 1), 0);
            h.processElement(superseded("shoes", 1, 7, 2, 3), 0);
            assertThat(markers(h)).containsExactly("shoes v1 complete (9 items)");
        }
    }

    @Test
    void theFirstSupersededReportSettlesTheVersionOnceWithTheItemsKnownEmbedded() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(complete("shoes", 5, groups(0, 1), 3, 2), 0);
            h.processElement(superseded("shoes", 5, 4, 2, 3), 0);
            h.processElement(superseded("shoes", 5, 1, 0, 1), 0);
            h.processElement(complete("shoes", 5, groups(2, 3), 1, 1), 0);
            assertThat(markers(h)).containsExactly("shoes v5 superseded (9 items)");
        }
    }

    @Test
    void catalogsAreCountedApart() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(complete("shoes", 2, groups(0, 1), 1, 1), 0);
            h.processElement(complete("bags", 2, groups(2, 3), 1, 1), 0);
            assertThat(h.extractOutputValues()).isEmpty();
            h.processElement(complete("bags", 2, groups(0, 1), 0, 0), 0);
            h.processElement(complete("shoes", 2, groups(2, 3), 0, 5), 0);
            assertThat(markers(h)).containsExactly("bags v2 complete (2 items)", "shoes v2 complete (7 items)");
        }
    }

    @Test
    void aNewerVersionSupersededBeforeAnOlderOneCompletesLeavesBothTheirOwnMarker() throws Exception {
        try (var h = harness()) {
            h.open();
            // subtask A (groups 0, 1) finished v1, then v2 was cut by v3; subtask B (2, 3) is slow
            h.processElement(complete("shoes", 1, groups(0, 1), 1, 1), 0);
            h.processElement(superseded("shoes", 2, 1, 0, 1), 0);
            h.processElement(complete("shoes", 3, groups(0, 1), 1, 1), 0);
            h.processElement(complete("shoes", 1, groups(2, 3), 1, 1), 0);
            h.processElement(complete("shoes", 2, groups(2, 3), 1, 1), 0);
            h.processElement(complete("shoes", 3, groups(2, 3), 1, 1), 0);
            assertThat(markers(h)).containsExactly("shoes v2 superseded (1 items)", "shoes v1 complete (4 items)",
                    "shoes v3 complete (4 items)");
        }
    }

    @Test
    void restoredFromASnapshotTakenMidCoverageItCompletesOnceAndIgnoresRepeats() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            h.processElement(complete("shoes", 1, groups(0, 1, 2, 3), 1, 1, 1, 1), 0);
            h.processElement(complete("shoes", 2, groups(0, 1), 2, 2), 0);
            assertThat(markers(h)).containsExactly("shoes v1 complete (4 items)");
            snapshot = h.snapshot(1, 10);
        }
        try (var restored = harness()) {
            restored.initializeState(snapshot);
            restored.open();
            restored.processElement(complete("shoes", 1, groups(0, 1, 2, 3), 1, 1, 1, 1), 0);
            restored.processElement(complete("shoes", 2, groups(2, 3), 2, 2), 0);
            restored.processElement(complete("shoes", 2, groups(2, 3), 2, 2), 0);
            assertThat(markers(restored)).containsExactly("shoes v2 complete (8 items)");
        }
    }

    @Test
    void reportsMarkersAndCoverageAreFlinkPojosNotKryoFallbacks() {
        for (Class<?> type : List.of(VersionProgress.class, VersionMarker.class, VersionCoverage.class)) {
            assertThat(TypeInformation.of(type)).as(type.getSimpleName()).isInstanceOf(PojoTypeInfo.class);
        }
    }

    @Test
    void coverageRefusesKeyGroupsOfAnotherEmbedder() {
        VersionCoverage c = VersionCoverage.empty(GROUPS, null, null);
        VersionProgress other = complete("shoes", 1, groups(0), 1);
        other.maxParallelism = 128;
        assertThatThrownBy(() -> c.add(other)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("128 key groups");
        assertThatThrownBy(() -> c.add(complete("shoes", 1, groups(4), 1)))
                .hasMessageContaining("key group 4 is outside 0..3");
        c.add(complete("shoes", 1, IntStream.range(0, GROUPS).toArray(), 1, 2, 3, 4));
        assertThat(c.isComplete()).isTrue();
        assertThat(c.items()).isEqualTo(10);
    }
}
