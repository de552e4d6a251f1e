package io.streamsynth.bench.cli;

import static io.streamsynth.bench.cli.BenchCommandTest.jsonLines;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamsynth.pipeline.cli.CommandRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The state parts of {@code bench growth}: each point runs a real Flink job on a MiniCluster. */
class BenchGrowthStateIT {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void growthStoresItemsInRocksDbAndMeasuresDiskAndCheckpointThenCleansUp() throws Exception {
        CommandRun run = CommandRun.of("bench", "growth", "--json", "--parts", "items,classes", "--items", "3000",
                "--classes", "12", "--work-dir", dir.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<JsonNode> rows = jsonLines(run.out());
        assertThat(rows).extracting(r -> r.has("workload") ? r.get("workload").asText() : r.get("part").asText())
                .containsExactly("baseline", "items", "classes");
        JsonNode items = rows.get(1);
        assertThat(items.get("records").asLong()).isEqualTo(3000);
        // 3000 samples of 784 noise bytes (2.2 MiB) cannot take less on disk; RocksDB's own files are
        // about 0.5 MiB, so a run that measured before storing them all fails here
        assertThat(items.get("rocksdb_bytes").asLong()).isGreaterThan(3000L * 784);
        assertThat(items.get("checkpoint_bytes").asLong()).isGreaterThan(3000L * 784);
        assertThat(items.get("rss_bytes").asLong()).isPositive();
        JsonNode classes = rows.get(2);
        assertThat(classes.get("records").asLong()).isEqualTo(12L * 256);
        assertThat(classes.get("checkpoint_bytes").asLong()).isGreaterThan(12L * 256 * 784);
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void photosAreStoredAsCompactSquaresNotAsUploads() throws Exception {
        CommandRun run = CommandRun.of("bench", "growth", "--json", "--parts", "items", "--photos", "--items", "200",
                "--work-dir", dir.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode items = jsonLines(run.out()).get(1);

        assertThat(items.get("records").asLong()).isEqualTo(200);
        // a 256 x 256 RGB square is 192 KiB raw; as a JPEG of quality 90 it must stay under the 30 KB goal,
        // and a checkpoint of only ids and labels (no image) would be under 1 KiB per item
        assertThat(items.get("checkpoint_bytes_per_record").asLong()).isBetween(2_000L, 30_000L);
    }
}
