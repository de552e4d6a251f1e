package io.streamsynth.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.pipeline.cli.CommandRun;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Flags of {@code bench class-incremental}; the run itself is {@code ClassIncrementalRunTest}'s. */
class BenchIncrementalCommandTest {

    @Test
    void badFlagsExitWithTwoAndTheReasonBeforeAnyDataLoads() {
        CommandRun replay = CommandRun.of("bench", "class-incremental", "--replay", "sometimes", "--data", "/nonexistent");
        assertThat(replay.exitCode()).isEqualTo(2);
        assertThat(replay.err()).contains("--replay must be on, off or both");
        CommandRun phases = CommandRun.of("bench", "class-incremental", "--phases", "0,1;x", "--data", "/nonexistent");
        assertThat(phases.exitCode()).isEqualTo(2);
        assertThat(phases.err()).contains("--phases must be classes like 0,1;5,7;8");
        CommandRun twice = CommandRun.of("bench", "class-incremental", "--phases", "0,1;1,2", "--data", "/nonexistent");
        assertThat(twice.exitCode()).isEqualTo(2);
        assertThat(twice.err()).contains("class 1 is in two phases");
        CommandRun reserve = CommandRun.of("bench", "class-incremental", "--replay-classes", "2", "--data", "/nonexistent");
        assertThat(reserve.exitCode()).isEqualTo(2);
        assertThat(reserve.err()).contains("--replay-classes must be from 0 to --classes-per-batch - 1 (1), got 2");
    }

    @Test
    void phasesParseInOrder() {
        assertThat(BenchIncrementalCommand.parsePhases("0,1;5,7;8"))
                .isEqualTo(List.of(List.of(0, 1), List.of(5, 7), List.of(8)));
    }
}
