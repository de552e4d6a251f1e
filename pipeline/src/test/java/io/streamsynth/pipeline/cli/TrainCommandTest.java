package io.streamsynth.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {
    /** Nothing listens here; a test that reached Kafka or Flink would hang or fail differently. */
    private static final String NO_BROKER = "localhost:1";

    @Test
    void helpListsTheJobFlagsAndTheArgumentFileForm() {
        CommandRun run = CommandRun.of("train", "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("--bootstrap-servers", "--create-topics", "--checkpoint-dir",
                "--kafka-properties", "--loss", "--synthesis", "streamsynth train @job.args",
                "flink run -c io.streamsynth.pipeline.Main");
    }

    @Test
    void unknownLossExitsTwoNamingTheFlagBeforeContactingAnything() {
        CommandRun run = CommandRun.of("train", "--bootstrap-servers", NO_BROKER, "--create-topics", "--loss", "nope");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("error: ").contains("loss", "nope");
    }

    @Test
    void optionsComeFromAnArgumentFileAndAreValidatedTheSameWay(@TempDir Path dir) throws Exception {
        Path args = Files.writeString(dir.resolve("job.args"), "--bootstrap-servers " + NO_BROKER + "\n--loss\nnope\n");

        CommandRun run = CommandRun.of("train", "@" + args);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("loss", "nope");
    }

    @Test
    void heldOutShareAboveHalfExitsTwoNamingTheFlag() {
        CommandRun run = CommandRun.of("train", "--bootstrap-servers", NO_BROKER, "--held-out-share", "0.9");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("held-out-share", "0.9");
    }

    @Test
    void duplicateRetentionUnderASecondExitsTwoNamingTheFlag() {
        CommandRun run = CommandRun.of("train", "--bootstrap-servers", NO_BROKER, "--duplicate-retention", "0");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--duplicate-retention", "0");
    }

    @Test
    void missingBootstrapServersExitsTwoNamingTheFlag() {
        CommandRun run = CommandRun.of("train");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--bootstrap-servers");
    }

    @Test
    void oddSamplesPerClassWithSynthesisExitsTwoNamingTheFlag() {
        CommandRun run = CommandRun.of("train", "--bootstrap-servers", NO_BROKER, "--synthesis", "symm",
                "--samples-per-class", "5");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--samples-per-class");
    }

    @Test
    void unknownMiningRuleExitsTwoNamingTheAcceptedRules() {
        CommandRun run = CommandRun.of("train", "--bootstrap-servers", NO_BROKER, "--synthesis", "ee",
                "--mining", "ours");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("mining must be paper or official", "'ours'");
    }

    @Test
    void bareCheckpointDirectoryBecomesAnAbsoluteFileUriAndSchemesStayAsGiven() {
        assertThat(TrainCommand.checkpointUri("s3://bucket/ckpt")).isEqualTo("s3://bucket/ckpt");
        assertThat(TrainCommand.checkpointUri("ckpt")).startsWith("file:/").endsWith("/ckpt");
    }
}
