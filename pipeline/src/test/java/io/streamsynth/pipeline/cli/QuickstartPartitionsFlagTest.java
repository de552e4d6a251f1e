package io.streamsynth.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code quickstart --partitions}: a bad count exits 2 with the reason before a broker starts; the default is one, so that runs repeat. */
class QuickstartPartitionsFlagTest {

    @Test
    void aCountOutsideOneTo128ExitsWithTwoBeforeAnythingStarts() {
        for (String bad : new String[] {"0", "-1", "129"}) {
            CommandRun run = CommandRun.of("quickstart", "--partitions", bad, "--data", "/nonexistent");
            assertThat(run.exitCode()).as("--partitions %s", bad).isEqualTo(2);
            assertThat(run.err()).contains("--partitions must be 1..128, got " + bad);
        }
    }

    @Test
    void onePartitionByDefault() {
        QuickstartCommand parsed = new QuickstartCommand();
        new CommandLine(parsed).parseArgs();
        assertThat(parsed.partitions).isEqualTo(1);
    }
}
