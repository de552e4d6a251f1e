package io.streamsynth.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** {@code bench stream-vs-offline} end to end on generated images: embedded Kafka, the job on a MiniCluster. */
class StreamVsOfflineIT {
    private static final Pattern ROW = Pattern.compile(
            "\\| (zero-shot|seen) (Recall@1|MAP@R) \\| ([^ ]+) \\| ([^ ]+) \\| ([^ ]+) \\| ([^ ]+) \\| ([^ ]+) \\|");

    @Test
    @Timeout(400)
    void bothSidesTrainTheSameStepsAndPrintFiniteFigures() throws Exception {
        BenchStreamVsOfflineCommand bench = new BenchStreamVsOfflineCommand();
        bench.trainImages = StreamingBenchmarksIT.generated(1200);
        bench.testImages = StreamingBenchmarksIT.generated(300);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        bench.out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        int code = new CommandLine(bench).execute("--steps", "12", "--classes-per-batch", "3",
                "--samples-per-class", "4", "--embedding-size", "16", "--base-filters", "8",
                "--checkpoint-interval", "0.5", "--publish-every-steps", "5", "--publish-interval", "1",
                "--timeout", "180", "--train-classes", "0,1,5,7,8");
        String text = printed.toString(StandardCharsets.UTF_8);
        assertThat(code).as(text).isZero();

        List<double[]> rows = new ArrayList<>();
        Matcher m = ROW.matcher(text);
        while (m.find()) {
            rows.add(new double[] {Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4)),
                Double.parseDouble(m.group(5)), Double.parseDouble(m.group(6)), Double.parseDouble(m.group(7))});
        }
        assertThat(rows).as(text).hasSize(4);
        // the printed differences come from unrounded figures: up to 0.01 points off the rounded ones
        for (double[] row : rows) {
            assertThat(row[0]).as(text).isBetween(0.0, 1.0);
            assertThat(row[1]).as(text).isBetween(0.0, 1.0);
            assertThat(row[2]).as(text).isCloseTo(100 * (row[0] - row[1]), org.assertj.core.data.Offset.offset(0.011));
            assertThat(row[3]).as(text).isBetween(0.0, 1.0);
            assertThat(row[4]).as(text).isCloseTo(100 * (row[0] - row[3]), org.assertj.core.data.Offset.offset(0.011));
        }
        assertThat(text).contains("steps stream 12, offline 12");
        // the same batches in the same order, so the same weights to the bit (runs are deterministic)
        assertThat(text).contains("weights identical: yes");

        String jsonLine = text.lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow();
        JsonNode json = new ObjectMapper().readTree(jsonLine);
        assertThat(json.get("stream").get("steps").asLong()).isEqualTo(12);
        assertThat(json.get("offline").get("steps").asLong()).isEqualTo(12);
        assertThat(json.get("offline_own_sampler").get("steps").asLong()).isEqualTo(12);
        // 12 batches of 3 x 4 need 12 * 6 fresh samples at most, plus the held-out tenth
        assertThat(json.get("events_streamed").asInt()).isBetween(20, 12 * 12 * 2);
    }
}
