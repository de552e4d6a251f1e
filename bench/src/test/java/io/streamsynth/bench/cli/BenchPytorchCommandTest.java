package io.streamsynth.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamsynth.bench.step.TorchLoop;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.pipeline.cli.CommandRun;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class BenchPytorchCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void benchListsItAndItsHelpNamesTheComparison() {
        CommandRun run = CommandRun.of("bench", "pytorch", "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("--sizes", "--syntheses", "--python", "plain PyTorch loop");
        assertThat(CommandRun.of("bench", "--help").out()).contains("pytorch");
    }

    @Test
    void defaultsAreTheIssuesCases() {
        BenchPytorchCommand c = new BenchPytorchCommand();
        BenchPytorchCommand.Settings s = c.validate();
        assertThat(c.sizes).containsExactly(112, 224);
        assertThat(s.syntheses()).containsExactly("none", "ee", "symm");
        assertThat(s.batch().classes()).isEqualTo(4);
        assertThat(s.batch().samplesPerClass()).isEqualTo(8);
        assertThat(s.kind()).isEqualTo(Architecture.Kind.RESNET18);
        c.architecture = "ResNet50";
        assertThat(c.validate().kind()).isEqualTo(Architecture.Kind.RESNET50);
    }

    @Test
    void badFlagsExitWithTwoAndTheReason() {
        CommandRun synthesis = CommandRun.of("bench", "pytorch", "--syntheses", "none,mixup");
        assertThat(synthesis.exitCode()).isEqualTo(2);
        assertThat(synthesis.err()).contains("none, ee and symm", "mixup");
        CommandRun batch = CommandRun.of("bench", "pytorch", "--batch", "4x7");
        assertThat(batch.exitCode()).isEqualTo(2);
        assertThat(batch.err()).contains("even K");
        CommandRun size = CommandRun.of("bench", "pytorch", "--sizes", "16");
        assertThat(size.exitCode()).isEqualTo(2);
        assertThat(size.err()).contains("32..1024");
        CommandRun rounds = CommandRun.of("bench", "pytorch", "--rounds", "0");
        assertThat(rounds.exitCode()).isEqualTo(2);
        CommandRun architecture = CommandRun.of("bench", "pytorch", "--architecture", "cnn");
        assertThat(architecture.exitCode()).isEqualTo(2);
        assertThat(architecture.err()).contains("resnet18 or resnet50", "cnn");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aPythonWithoutTorchSkipsWithExitTwoAndSaysWhatToInstall() {
        CommandRun missing = CommandRun.of("bench", "pytorch", "--python", "/nonexistent/python3");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("bench pytorch skipped", "/nonexistent/python3", "python3-torch");
        CommandRun noTorch = CommandRun.of("bench", "pytorch", "--python", "/bin/false");
        assertThat(noTorch.exitCode()).isEqualTo(2);
        assertThat(noTorch.err()).contains("cannot import torch");
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void printsOneJsonRowPerSizeAndSynthesisWithRatiosOfOursToPytorch() throws Exception {
        assumeThat(TorchLoop.unavailable("/usr/bin/python3")).as("python3 with torch and torchvision").isEmpty();
        CommandRun run = CommandRun.of("bench", "pytorch", "--json", "--sizes", "32", "--syntheses", "none,ee",
                "--batch", "2x2", "--embedding-size", "8", "--rounds", "2", "--steps", "1", "--warmup", "0");
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<JsonNode> rows = new ArrayList<>();
        for (String line : run.out().split("\n")) {
            if (!line.isBlank()) {
                rows.add(JSON.readTree(line));
            }
        }
        assertThat(rows).extracting(r -> r.get("size").asInt() + " " + r.get("synthesis").asText())
                .containsExactly("32 none", "32 ee");
        for (JsonNode r : rows) {
            assertThat(r.get("architecture").asText()).isEqualTo("resnet18");
            double ours = r.get("ours_median_wall_ms_per_step").asDouble();
            double theirs = r.get("pytorch_median_wall_ms_per_step").asDouble();
            assertThat(ours).isPositive();
            assertThat(theirs).isPositive();
            // two rounds: the median ratio lies between the two per-round ratios, i.e. within q1..q3
            assertThat(r.get("wall_ratio").asDouble()).isBetween(r.get("wall_ratio_q1").asDouble(),
                    r.get("wall_ratio_q3").asDouble());
            assertThat(r.get("cpu_ratio").asDouble()).isPositive();
        }
        assertThat(run.err()).contains("round 2/2", "bench pytorch took", "torch 1.13");
    }
}
