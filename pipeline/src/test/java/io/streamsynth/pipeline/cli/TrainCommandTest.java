package io.streamsynth.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.model.net.Architecture;
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
    void promotionFlagsOutOfRangeExitTwoNamingTheFlag() {
        CommandRun tolerance = CommandRun.of("train", "--bootstrap-servers", NO_BROKER, "--promotion-tolerance", "1.5");
        CommandRun interval = CommandRun.of("train", "--bootstrap-servers", NO_BROKER, "--min-refresh-interval", "-1");

        assertThat(tolerance.exitCode()).isEqualTo(2);
        assertThat(tolerance.err()).startsWith("error: ").contains("--promotion-tolerance", "1.5");
        assertThat(interval.exitCode()).isEqualTo(2);
        assertThat(interval.err()).startsWith("error: ").contains("--min-refresh-interval", "-1");
    }

    @Test
    void theRefreshIntervalDefaultsToTwiceThePublishIntervalAndTheFlagsReachTheTrainer() throws Exception {
        JobOptions defaults = new JobOptions();
        new picocli.CommandLine(defaults).parseArgs("--publish-interval", "7");
        JobOptions set = new JobOptions();
        new picocli.CommandLine(set).parseArgs("--promotion-tolerance", "0.02", "--min-refresh-interval", "60");

        assertThat(defaults.toConfig("localhost:9092").trainer().promotion())
                .isEqualTo(new io.streamsynth.operators.train.PromotionPolicy(0.005, java.time.Duration.ofSeconds(14)));
        assertThat(set.toConfig("localhost:9092").trainer().promotion())
                .isEqualTo(new io.streamsynth.operators.train.PromotionPolicy(0.02, java.time.Duration.ofSeconds(60)));
    }

    @Test
    void theHeadPoolsByGemForTheSmallCnnAndByAverageForResnet18UnlessAsked() throws Exception {
        assertThat(pooling()).isEqualTo(Architecture.Pooling.GEM);
        assertThat(pooling("--pooling", "avg")).isEqualTo(Architecture.Pooling.AVG);
        assertThat(pooling("--architecture", "resnet18", "--image-channels", "3", "--image-resize", "32",
                "--image-crop", "32")).isEqualTo(Architecture.Pooling.AVG);
        assertThat(pooling("--architecture", "resnet18", "--image-channels", "3", "--image-resize", "32",
                "--image-crop", "32", "--pooling", "gem")).isEqualTo(Architecture.Pooling.GEM);
    }

    private static Architecture.Pooling pooling(String... flags) throws Exception {
        JobOptions options = new JobOptions();
        new picocli.CommandLine(options).parseArgs(flags);
        return options.toConfig("localhost:9092").catalog().architecture().pooling();
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
    void unknownIncompatibleStatePolicyExitsTwoNamingTheFlag() {
        CommandRun run = CommandRun.of("train", "--bootstrap-servers", NO_BROKER, "--on-incompatible-state", "retry");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("error: --on-incompatible-state must be new-lineage or fail, got 'retry'");
    }

    @Test
    void theTransactionalIdPrefixDefaultsToTheJobNameAndAGivenOneWins() throws Exception {
        JobOptions options = new JobOptions();

        assertThat(options.toConfig(NO_BROKER, "catalog b/2").transactionalIdPrefix()).isEqualTo("catalog-b-2");
        assertThat(options.toConfig(NO_BROKER).transactionalIdPrefix()).isEqualTo("streamsynth");
        new picocli.CommandLine(options).parseArgs("--transactional-id-prefix", "mine");
        assertThat(options.toConfig(NO_BROKER, "catalog b/2").transactionalIdPrefix()).isEqualTo("mine");
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
