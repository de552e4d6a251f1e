package io.streamsynth.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** {@code bench stream-growth} end to end at a tiny size: the real job, 2,000 new items, ten windows. */
class StreamGrowthIT {
    @Test
    @Timeout(180)
    void reportsTenWindowsWithPositiveRatesAndAVerdict() throws Exception {
        BenchStreamGrowthCommand bench = new BenchStreamGrowthCommand();
        bench.images = StreamingBenchmarksIT.generated(1000);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        bench.out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        int code = new CommandLine(bench).execute("--events", "2000", "--rate", "100", "--warmup-events", "200",
                "--timeout", "60", "--embedding-size", "16", "--base-filters", "8", "--checkpoint-interval", "0.5",
                "--held-out-capacity", "50", "--publish-every-steps", "3", "--publish-interval", "1");
        String text = printed.toString(StandardCharsets.UTF_8);
        System.out.println(text);
        assertThat(code).as(text).isZero();

        ObjectMapper json = new ObjectMapper();
        List<JsonNode> windows = new ArrayList<>();
        JsonNode verdict = null;
        int versions = 0;
        for (String line : text.split("\n")) {
            if (!line.startsWith("{")) {
                continue;
            }
            JsonNode n = json.readTree(line);
            switch (n.get("kind").asText()) {
                case "window" -> windows.add(n);
                case "version" -> versions++;
                case "verdict" -> verdict = n;
                default -> throw new AssertionError("unexpected line " + line);
            }
        }
        assertThat(windows).as(text).hasSize(10);
        int expectedFrom = 0;
        for (JsonNode w : windows) {
            // every event lands in exactly one window, in order
            assertThat(w.get("from_event").asInt()).isEqualTo(expectedFrom);
            expectedFrom = w.get("to_event").asInt();
            assertThat(w.get("trainer_images_per_s").asDouble()).as(text).isPositive();
            assertThat(w.get("embeddings_per_s").asDouble()).as(text).isPositive();
            assertThat(w.get("freshness_p99_ms").isNumber()).as(text).isTrue();
            assertThat(w.get("freshness_p99_ms").asLong())
                    .isGreaterThanOrEqualTo(w.get("freshness_p50_ms").asLong()).isNotNegative();
            assertThat(w.get("unembedded").asInt()).as(text).isZero();
        }
        assertThat(expectedFrom).isEqualTo(2000);
        // the store only grows
        for (int k = 1; k < windows.size(); k++) {
            assertThat(windows.get(k).get("items_embedded").asInt())
                    .isGreaterThanOrEqualTo(windows.get(k - 1).get("items_embedded").asInt());
        }
        assertThat(versions).isPositive();
        assertThat(verdict).as(text).isNotNull();
        assertThat(verdict.get("trainer_images_s_first").asDouble()).isPositive();
        assertThat(text).containsPattern("verdict \\(first vs last window, at most 20% worse\\): trainer images/s "
                + "[0-9.]+ -> [0-9.]+ .*(PASS|FAIL)");
    }

    @Test
    @Timeout(180)
    void aWarmUpThatFailsLeavesNoEmbeddingsReaderRunning() {
        BenchStreamGrowthCommand bench = new BenchStreamGrowthCommand();
        bench.images = StreamingBenchmarksIT.generated(200);
        bench.err = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        // no trained version of the warm-up catalog can be out within a second (publish every 200 steps or 15 s)
        new CommandLine(bench).parseArgs("--events", "100", "--warmup-events", "50", "--timeout", "1",
                "--embedding-size", "16", "--base-filters", "8");

        assertThatThrownBy(bench::measure).hasMessageContaining("warm-up catalog published no trained");
        assertThat(Thread.getAllStackTraces().keySet()).as("the embeddings reader and its consumer's threads")
                .noneMatch(t -> t.getName().contains("bench-embeddings-watch") && t.isAlive());
    }
}
