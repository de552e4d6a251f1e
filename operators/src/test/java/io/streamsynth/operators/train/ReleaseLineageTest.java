package io.streamsynth.operators.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReleaseLineageTest {
    private static FreshnessHistogram twoSamples() {
        FreshnessHistogram h = new FreshnessHistogram();
        h.record(40);
        h.record(900);
        return h;
    }

    @Test
    void aFreshTrainerTellsFreshnessOnly() {
        ReleaseLineage lineage = new ReleaseLineage(null);
        FreshnessHistogram h = twoSamples();
        assertEquals(Map.of(ReleaseLineage.FRESHNESS_KEY, h.toMap()), lineage.next(h));
        assertFalse(lineage.startedNewLineage());
    }

    @Test
    void aResumedTrainerTellsItsOriginInTheFirstCheckpointOnly() {
        ReleaseLineage lineage = new ReleaseLineage(null);
        lineage.resumed("ab12", 37);
        Map<String, Object> first = lineage.next(new FreshnessHistogram());
        assertEquals(List.of("resumed_from_weights_sha256", "resumed_at_step", ReleaseLineage.FRESHNESS_KEY)
                .stream().sorted().toList(), first.keySet().stream().sorted().toList());
        assertEquals("ab12", first.get("resumed_from_weights_sha256"));
        assertEquals(37L, first.get("resumed_at_step"));
        Map<String, Object> second = lineage.next(new FreshnessHistogram());
        assertEquals(List.of(ReleaseLineage.FRESHNESS_KEY), List.copyOf(second.keySet()));
        assertFalse(lineage.startedNewLineage());
    }

    @Test
    void aNewLineageNamesWhatItDoesNotContinueAndStaysMarked() {
        ReleaseLineage lineage = new ReleaseLineage(null);
        lineage.startedAnew("architecture differs", 6, 120, "cd34");
        Map<String, Object> first = lineage.next(twoSamples());
        assertEquals(Map.of("reason", "architecture differs", "previous_model_version", 6L, "previous_step", 120L,
                "previous_weights_sha256", "cd34"), first.get(ReleaseLineage.NEW_LINEAGE_KEY));
        assertEquals(List.of("reason", "previous_model_version", "previous_step", "previous_weights_sha256"),
                List.copyOf(((Map<?, ?>) first.get(ReleaseLineage.NEW_LINEAGE_KEY)).keySet().stream()
                        .map(Object::toString).toList()));
        assertFalse(lineage.next(twoSamples()).containsKey(ReleaseLineage.NEW_LINEAGE_KEY));
        assertTrue(lineage.startedNewLineage());
        assertEquals("freshness", CatalogTrainer.FRESHNESS_KEY);
        assertEquals("new_lineage", CatalogTrainer.NEW_LINEAGE_KEY);
    }

    @Test
    void everyCheckpointOverABackboneFileNamesIt() {
        ReleaseLineage lineage = new ReleaseLineage("s3://models/mobilenet.pt");
        lineage.resumed("ab12", 37);
        assertEquals("s3://models/mobilenet.pt", lineage.next(twoSamples()).get(ReleaseLineage.BACKBONE_FILE_KEY));
        assertEquals("s3://models/mobilenet.pt", lineage.next(twoSamples()).get(ReleaseLineage.BACKBONE_FILE_KEY));
        assertEquals("backbone_file", CatalogTrainer.BACKBONE_FILE_KEY);
    }
}
