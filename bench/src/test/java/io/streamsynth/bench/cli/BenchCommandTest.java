package io.streamsynth.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamsynth.pipeline.Main;
import io.streamsynth.pipeline.cli.CommandRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class BenchCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void helpListsEveryBenchmark() {
        CommandRun run = CommandRun.of("bench", "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("step", "growth", "bench step");
    }

    @Test
    void mainFindsBenchOnTheClassPathAndListsItWhereItWasBeforeTheMove() {
        assertThat(Main.commandLine().getSubcommands().keySet()).containsExactly("quickstart", "train", "offline",
                "produce", "evaluate", "export", "bench", "help");
        CommandRun run = CommandRun.of("help", "bench");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: streamsynth bench", "freshness", "embed");
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void stepPrintsOneJsonRowPerLossBatchAndMethodWithRatiosToNone() throws Exception {
        CommandRun run = CommandRun.of("bench", "step", "--json", "--losses", "triplet,ms", "--batches", "2x2,4x2",
                "--image-size", "12", "--embedding-size", "8", "--rounds", "2", "--steps", "1", "--warmup", "0");
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<JsonNode> rows = jsonLines(run.out());
        assertThat(rows).hasSize(2 * 2 * 3);
        assertThat(rows).extracting(r -> r.get("batch").asText() + " " + r.get("loss").asText() + " "
                + r.get("synthesis").asText()).startsWith("2x2 triplet none", "2x2 triplet ee", "2x2 triplet symm",
                "2x2 ms none");
        assertThat(rows).filteredOn(r -> r.get("synthesis").asText().equals("none"))
                .allSatisfy(r -> assertThat(r.get("cpu_ratio_to_none").asDouble()).isEqualTo(1.0));
        assertThat(rows).allSatisfy(r -> assertThat(r.get("median_cpu_ms_per_step").asDouble()).isPositive());
        assertThat(run.err()).contains("round 2/2", "bench step took");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anOddKIsRefusedWithTheReason() {
        CommandRun run = CommandRun.of("bench", "step", "--batches", "8x3");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("even K");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anUnknownGrowthPartIsRefused() {
        CommandRun run = CommandRun.of("bench", "growth", "--parts", "items,disks");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("disks");
    }

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

    private static List<JsonNode> jsonLines(String out) throws Exception {
        List<JsonNode> rows = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                rows.add(JSON.readTree(line));
            }
        }
        return rows;
    }
}
