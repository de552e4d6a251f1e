package io.streamsynth.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamsynth.pipeline.cli.IdxDataset;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BenchEmbedCommandTest {
    @Test
    @Timeout(600)
    void timesBareInferenceAndARefreshOfEveryItemWithoutDuplicates(@TempDir Path data) throws Exception {
        IdxDataset.write(data, 150, 50);
        PrintStream stdout = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            code = io.streamsynth.pipeline.Main.commandLine().execute("bench", "embed", "--data", data.toString(), "--rounds", "2",
                    "--batch-size", "16", "--batches-per-slice", "2", "--device", "cpu",
                    "--checkpoint-interval-ms", "200", "--timeout-s", "300");
        } finally {
            System.setOut(stdout);
        }
        assertThat(code).isZero();
        JsonNode row = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8).strip());
        assertThat(row.get("items").asInt()).as("train and test together").isEqualTo(200);
        assertThat(row.get("duplicates").asInt()).isZero();
        assertThat(row.get("refresh_wall_s")).hasSize(2);
        assertThat(row.get("refresh_wall_s").get(1).asDouble()).isPositive();
        assertThat(row.get("ratio_wall").asDouble()).isPositive();
    }

    @Test
    @Timeout(60)
    void rejectsZeroRounds() {
        StringWriter err = new StringWriter();
        CommandLine cli = io.streamsynth.pipeline.Main.commandLine();
        cli.setErr(new PrintWriter(err, true));
        assertThat(cli.execute("bench", "embed", "--rounds", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--rounds");
    }
}
