package io.streamsynth.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.pipeline.cli.CommandRun;
import io.streamsynth.pipeline.cli.IdxDataset;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class BenchSpecsCommandTest {
    @Test
    @Timeout(300)
    void printsImagesPerSecondPerSpecWithRatiosToTheFirst(@TempDir Path data) throws Exception {
        IdxDataset.write(data, 10, 40);

        CommandRun run = CommandRun.of("bench", "specs", "--data", data.toString(), "--specs", "1:12/12,3:20/16",
                "--batch", "2x2", "--embed-batch", "4", "--rounds", "2", "--warmup", "0", "--device", "cpu");

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> rows = run.out().lines().filter(l -> l.startsWith("1:12/12") || l.startsWith("3:20/16")).toList();
        assertThat(rows).hasSize(2);
        String[] baseline = rows.get(0).trim().split("\\s+");
        String[] rgb = rows.get(1).trim().split("\\s+");
        // spec, trained img/s, ratio, q1..q3, embedded img/s, ratio, q1..q3
        assertThat(baseline[2]).isEqualTo("1.0000");
        assertThat(baseline[5]).isEqualTo("1.0000");
        assertThat(Double.parseDouble(rgb[1])).isPositive();
        assertThat(Double.parseDouble(rgb[4])).isPositive();
        assertThat(Double.parseDouble(rgb[2])).isPositive();
        assertThat(run.out()).contains("load average before", "load average after");
    }

    @Test
    void aMalformedSpecExitsTwo() {
        CommandRun run = CommandRun.of("bench", "specs", "--specs", "3:64");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("CHANNELS:RESIZE/CROP");
    }
}
