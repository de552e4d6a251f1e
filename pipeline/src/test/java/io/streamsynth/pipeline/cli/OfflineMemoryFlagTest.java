package io.streamsynth.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code offline --memory-size}: bad values exit 2 with the reason, before any data is read. */
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
    void helpNamesTheFlagAndItsDefault() {
        CommandRun help = CommandRun.of("offline", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("--memory-size=N", "Cross-batch memory", "(default: 0)",
                "--memory-warmup-steps=N");
    }
}
