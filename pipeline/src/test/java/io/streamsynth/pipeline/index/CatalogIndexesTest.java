package io.streamsynth.pipeline.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.operators.kafka.EmbeddingJson;
import io.streamsynth.operators.types.ItemEmbedding;
import io.streamsynth.operators.types.ItemKey;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The version choice and the crash behaviour, driven record by record without a broker. */
class CatalogIndexesTest {
    private static final PrintStream QUIET = new PrintStream(java.io.OutputStream.nullOutputStream());

    @TempDir
    Path dir;

    @Test
    void aCrashBetweenTheIndexCommitsAndTheStateEndsAsIfThereWasNone() throws Exception {
        IndexLayout layout = new IndexLayout(dir);
        Path before = dir.resolve("state-before");
        try (CatalogIndexes indexes = new CatalogIndexes(layout, IndexState.empty(), Duration.ZERO, QUIET)) {
            indexes.embedding(0, 0, key("a"), value("a", 1, 1, 0));
            indexes.embedding(0, 1, key("b"), value("b", 1, 0, 1));
            indexes.marker(marker(1, "complete", 2), () -> Map.of(0, 2L), 0);
            assertThat(indexes.promote(Map.of(0, 2L), 0)).hasSize(1);
            indexes.commit(Map.of(0, 2L), Map.of(0, 1L));
            Files.copy(layout.stateFile(), before);
            indexes.embedding(0, 2, key("a"), null);
            indexes.embedding(0, 3, key("c"), value("c", 1, 1, 1));
            indexes.embedding(0, 4, key("a"), value("a", 1, 1, 0.5f));
            indexes.commit(Map.of(0, 5L), Map.of(0, 1L));
        }
        // the state of the first commit, as if the process died before replacing it the second time
        Files.copy(before, layout.stateFile(), StandardCopyOption.REPLACE_EXISTING);
        IndexState state = IndexState.read(layout.stateFile());
        assertThat(state.embeddings()).containsEntry(0, 2L);
        try (CatalogIndexes indexes = new CatalogIndexes(layout, state, Duration.ZERO, QUIET)) {
            assertThat(indexes.served()).containsKey("shop");
            indexes.embedding(0, 2, key("a"), null);
            indexes.embedding(0, 3, key("c"), value("c", 1, 1, 1));
            indexes.embedding(0, 4, key("a"), value("a", 1, 1, 0.5f));
            indexes.embedding(0, 5, key("d"), value("d", 1, -1, 0));
            indexes.refresh();
            Neighbours ofB = indexes.neighbours("shop", "b", 5);
            assertThat(ofB.neighbours()).extracting(Neighbour::itemId).containsExactly("c", "a", "d");
            assertThat(ofB.neighbours().get(1).similarity()).isCloseTo(0.5 / Math.sqrt(1.25),
                    org.assertj.core.api.Assertions.within(1e-6));
        }
    }

    @Test
    void aCompleteVersionWaitsForItsOffsetsAndCountThenForTheGraceAtMost() throws Exception {
        try (CatalogIndexes indexes = new CatalogIndexes(new IndexLayout(dir), IndexState.empty(),
                Duration.ofSeconds(30), QUIET)) {
            indexes.embedding(0, 0, key("a"), value("a", 4, 1, 0));
            indexes.marker(marker(4, "complete", 2), () -> Map.of(0, 2L, 1, 0L), 1_000);
            assertThat(indexes.promote(Map.of(0, 1L, 1, 0L), 2_000)).as("offsets not reached").isEmpty();
            assertThat(indexes.promote(Map.of(0, 2L, 1, 0L), 3_000)).as("one item of two").isEmpty();
            assertThat(indexes.promote(Map.of(0, 2L, 1, 0L), 32_999)).isEmpty();
            assertThat(indexes.promote(Map.of(0, 2L, 1, 0L), 33_000)).singleElement().asString()
                    .contains("now serves version 4").contains("waited 30 s");
        }
    }

    @Test
    void aSupersededVersionIsDroppedAndRecordsOfOlderVersionsChangeNothingServed() throws Exception {
        try (CatalogIndexes indexes = new CatalogIndexes(new IndexLayout(dir), IndexState.empty(), Duration.ZERO,
                QUIET)) {
            indexes.embedding(0, 0, key("a"), value("a", 2, 1, 0));
            indexes.embedding(0, 1, key("b"), value("b", 2, 0, 1));
            indexes.embedding(0, 2, key("a"), value("a", 3, 1, 0));
            indexes.marker(marker(3, "superseded", 1), () -> Map.of(0, 3L), 0);
            indexes.marker(marker(2, "complete", 2), () -> Map.of(0, 3L), 0);
            assertThat(indexes.promote(Map.of(0, 3L), 0)).singleElement().asString().contains("version 2");
            indexes.embedding(0, 3, key("c"), value("c", 1, 1, 1)); // version 1: older than the served one
            indexes.refresh();
            assertThat(indexes.neighbours("shop", "a", 5).neighbours()).extracting(Neighbour::itemId)
                    .containsExactly("b");
            assertThat(indexes.served().get("shop")[0]).isEqualTo(2);
            indexes.embedding(0, 4, key("e"), value("e", 5, 1, 1));
            assertThat(indexes.building()).as("v3 superseded, v5 building").isEqualTo("{shop v5 (1 items)}");
            indexes.embedding(0, 5, key("b"), value("b", 3, 1, 1));
            assertThat(indexes.building()).isEqualTo("{shop v5 (1 items)}");
            indexes.commit(Map.of(0, 6L), Map.of(0, 2L));
            assertThat(new IndexLayout(dir).present()).extracting(IndexLayout.CatalogVersion::version)
                    .containsExactlyInAnyOrder(2L, 5L);
        }
    }

    @Test
    void aSupersededVersionStaysSkippedAfterARestart() throws Exception {
        IndexLayout layout = new IndexLayout(dir);
        try (CatalogIndexes indexes = new CatalogIndexes(layout, IndexState.empty(), Duration.ZERO, QUIET)) {
            indexes.embedding(0, 0, key("a"), value("a", 3, 1, 0));
            indexes.marker(marker(3, "superseded", 1), () -> Map.of(0, 1L), 0);
            indexes.commit(Map.of(0, 1L), Map.of(0, 1L));
        }
        // a subtask the newer version had not reached yet publishes v3 after the marker
        try (CatalogIndexes indexes = new CatalogIndexes(layout, IndexState.read(layout.stateFile()), Duration.ZERO,
                QUIET)) {
            indexes.embedding(0, 1, key("b"), value("b", 3, 0, 1));
            assertThat(indexes.building()).isEqualTo("{}");
            indexes.commit(Map.of(0, 2L), Map.of(0, 1L));
            assertThat(layout.present()).isEmpty();
        }
    }

    private static byte[] key(String item) {
        return ItemKey.encode("shop", item);
    }

    private static byte[] value(String item, long version, float... vector) {
        return EmbeddingJson.encode(new ItemEmbedding("shop", item, null, version, 1, vector));
    }

    private static byte[] marker(long version, String status, long items) {
        return ("{\"schema_version\":1,\"catalog\":\"shop\",\"model_version\":" + version + ",\"status\":\"" + status
                + "\",\"items\":" + items + ",\"time_millis\":1767225600000}").getBytes(StandardCharsets.UTF_8);
    }
}
