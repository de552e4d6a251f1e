package io.streamsynth.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.pipeline.cli.CommandRun;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code bench stream-growth} without a job: its help and the flags it refuses; {@link StreamGrowthIT} runs it. */
class BenchStreamGrowthCommandTest {
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void helpDefinesEveryFigureAndTheVerdictAndBenchListsIt() {
        CommandRun run = CommandRun.of("bench", "stream-growth", "--help");
        assertThat(run.exitCode()).as(run.err()).isZero();
        // picocli wraps the lines: compare with single spaces
        String help = run.out().replaceAll("\\s+", " ");
        assertThat(help).contains("--events", "(default: 200000)", "--tenths, --windows", "--rate", "--backlog",
                "--seed", "trainer images/s", "refresh items/s", "freshness p50/p99", "at least 80% of the",
                "at most 120% of the");
        assertThat(CommandRun.of("bench", "--help").out()).contains("stream-growth");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void fewerThanTwoWindowsAreRefusedWithExitCodeTwo() {
        CommandRun run = CommandRun.of("bench", "stream-growth", "--windows", "1");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--windows");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aClassOutsideFashionMnistIsRefusedWithExitCodeTwo() {
        CommandRun run = CommandRun.of("bench", "stream-growth", "--train-classes", "0,12");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--train-classes");
    }
}
