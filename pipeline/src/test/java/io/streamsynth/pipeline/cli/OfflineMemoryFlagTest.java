package io.streamsynth.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code offline --memory-size} and {@code --memory-warmup-steps}: bad values exit 2 with the reason, before any data
 * is read; their defaults are the ones the README and {@code --help} state.
 */
class OfflineMemoryFlagTest {

    @Test
    void aNegativeMemoryOrOneWithTheLiftedLossExitsWithTwo() {
        CommandRun negative = CommandRun.of("offline", "--memory-size", "-1", "--data", "/nonexistent");
        assertThat(negative.exitCode()).isEqualTo(2);
        assertThat(negative.err()).contains("memory size must be within 0..65536, got -1");
        CommandRun lifted = CommandRun.of("offline", "--memory-size", "8", "--loss", "lifted", "--data", "/nonexistent");
        assertThat(lifted.exitCode()).isEqualTo(2);
        assertThat(lifted.err()).contains("does not work with the lifted structure loss");
        CommandRun warmup = CommandRun.of("offline", "--memory-size", "8", "--memory-warmup-steps", "-2", "--data",
                "/nonexistent");
        assertThat(warmup.exitCode()).isEqualTo(2);
        assertThat(warmup.err()).contains("memory warm-up steps must be at least 0, got -2");
    }

    @Test
    void aWarmUpWithoutAMemoryExitsWithTwo() {
        CommandRun run = CommandRun.of("offline", "--memory-warmup-steps", "100", "--data", "/nonexistent");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("error: --memory-warmup-steps needs a cross-batch memory (memory-size above 0), "
                + "got 100 with memory-size 0");
        CommandRun zero = CommandRun.of("offline", "--memory-size", "0", "--memory-warmup-steps", "1", "--data",
                "/nonexistent");
        assertThat(zero.exitCode()).isEqualTo(2);
        assertThat(zero.err()).contains("--memory-warmup-steps needs a cross-batch memory (memory-size above 0), got 1");
    }

    /** The number the first group of {@code pattern} finds in {@code text} (spaces folded to one). */
    private static int documented(String text, String pattern) {
        Matcher m = Pattern.compile(pattern).matcher(text.replaceAll("\\s+", " "));
        assertThat(m.find()).as("'%s' in the text", pattern).isTrue();
        return Integer.parseInt(m.group(1));
    }

    @Test
    void theDefaultsTheFlagsParseToAreTheOnesTheReadmeAndHelpState() throws IOException {
        OfflineCommand parsed = new OfflineCommand();
        new CommandLine(parsed).parseArgs();
        String readme = Files.readString(Path.of("..", "README.md"));
        assertThat(documented(readme, "`--memory-size N` adds a cross-batch memory.*? off by default \\(`(\\d+)`\\)"))
                .as("README, --memory-size").isEqualTo(parsed.memorySize);
        assertThat(documented(readme, "`--memory-warmup-steps N` \\(default (\\d+)\\)"))
                .as("README, --memory-warmup-steps").isEqualTo(parsed.memoryWarmupSteps);

        CommandRun help = CommandRun.of("offline", "--help");
        assertThat(help.exitCode()).isZero();
        // each flag's own entry, not the first "(default: 0)" of any flag
        assertThat(documented(help.out(), "--memory-size=N Cross-batch memory .*?\\(default: (\\d+)\\)"))
                .as("--help, --memory-size").isEqualTo(parsed.memorySize);
        assertThat(documented(help.out(), "--memory-warmup-steps=N Train N steps .*?default: (\\d+)\\)"))
                .as("--help, --memory-warmup-steps").isEqualTo(parsed.memoryWarmupSteps);
    }
}
