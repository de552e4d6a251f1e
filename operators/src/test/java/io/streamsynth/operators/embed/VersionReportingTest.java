package io.streamsynth.operators.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamsynth.operators.types.ItemKey;
import io.streamsynth.operators.types.VersionProgress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.TaskInfoImpl;
import org.junit.jupiter.api.Test;

class VersionReportingTest {
    /** Subtask 1 of 2 at max parallelism 8: key groups 4..7. */
    private final SubtaskKeys subtask = SubtaskKeys.of(new TaskInfoImpl("embedder", 8, 1, 2, 0));
    private final OwedReports reports = new OwedReports();
    private final List<String> stored = new ArrayList<>();
    private final Set<String> working = new HashSet<>();
    private final List<Object> events = new ArrayList<>();
    private final VersionReporting reporting = new VersionReporting(reports, subtask, working::contains,
            stored::stream, () -> events.add("flush"), events::add);

    private void store(String catalog, int items) {
        for (int i = 0; i < items; i++) {
            String key = ItemKey.asString(catalog, "item-" + i);
            if (subtask.holds(key)) {
                stored.add(key);
            }
        }
    }

    @Test
    void aCompleteReportWaitsForThePassThenFollowsTheFlushWithLiveItemsPerKeyGroup() throws Exception {
        store("shoes", 40);
        store("hats", 30);
        reports.owe("shoes", 3, subtask.keyGroups(), "ck", "wt");
        reports.embedded("shoes", 3, 7);
        working.add("shoes");
        reporting.reportIfThrough("shoes");
        assertTrue(events.isEmpty(), "a running pass holds the report back");

        working.clear();
        reporting.reportAllThrough();
        assertEquals(2, events.size());
        assertEquals("flush", events.get(0));
        VersionProgress p = (VersionProgress) events.get(1);
        assertEquals("shoes", p.catalog);
        assertEquals(3, p.version);
        assertFalse(p.superseded);
        assertEquals(8, p.maxParallelism);
        assertArrayEquals(new int[] {4, 5, 6, 7}, p.keyGroups);
        int[] expected = new int[4];
        for (String key : stored) {
            if (key.startsWith(ItemKey.catalogPrefix("shoes"))) {
                expected[subtask.keyGroupOf(key) - 4]++;
            }
        }
        assertArrayEquals(expected, p.liveItems);
        assertTrue(expected[0] + expected[1] + expected[2] + expected[3] > 0, "the hand-made case stores shoes here");
        assertEquals(7, p.embedded);
        assertEquals("ck", p.checkpointSha256);
        assertEquals("wt", p.weightsSha256);

        reporting.reportIfThrough("shoes");
        assertEquals(2, events.size(), "a version is reported once");
    }

    @Test
    void aNewerVersionCutsTheOwedReportAsSupersededWithoutFlushOrCounts() throws Exception {
        store("shoes", 40);
        reports.owe("shoes", 3, subtask.keyGroups(), "ck", "wt");
        reports.embedded("shoes", 3, 2);
        working.add("shoes");
        reporting.supersede("shoes");
        assertEquals(1, events.size());
        VersionProgress p = (VersionProgress) events.get(0);
        assertTrue(p.superseded);
        assertEquals(3, p.version);
        assertArrayEquals(new int[4], p.liveItems);
        assertEquals(2, p.embedded);

        reporting.supersede("shoes");
        working.clear();
        reporting.reportIfThrough("shoes");
        assertEquals(1, events.size(), "nothing is owed any more");
    }
}
