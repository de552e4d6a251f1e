package io.streamsynth.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamsynth.pipeline.Main;
import io.streamsynth.pipeline.cli.CommandRun;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The {@code bench} command without a Flink job; {@link BenchGrowthStateIT} runs the parts that start one. */
class BenchCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

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
                "produce", "evaluate", "export", "index", "shots", "bench", "help");
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

    static List<JsonNode> jsonLines(String out) throws Exception {
        List<JsonNode> rows = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                rows.add(JSON.readTree(line));
            }
        }
        return rows;
    }
}
