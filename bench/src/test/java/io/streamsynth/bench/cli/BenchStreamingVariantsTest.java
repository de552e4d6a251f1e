package io.streamsynth.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsynth.pipeline.job.JobConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchStreamingVariantsTest {

    /** A parent command stands for `streamsynth bench`: the variant must see the subcommand's flags only. */
    @CommandLine.Command(name = "bench")
    static final class Parent {}

    private static List<BenchStreamingCommand.Setup> setups(List<Boolean> modes, String... args) throws Exception {
        BenchStreamingCommand bench = new BenchStreamingCommand();
        CommandLine parent = new CommandLine(new Parent()).addSubcommand("streaming", bench);
        String[] all = new String[args.length + 1];
        all[0] = "streaming";
        System.arraycopy(args, 0, all, 1, args.length);
        parent.parseArgs(all);
        return bench.setups(modes);
    }

    @Test
    void aVariantKeepsTheCommandLinesJobFlagsAndOverridesOnlyItsOwn() throws Exception {
        List<BenchStreamingCommand.Setup> s = setups(List.of(true), "--embed-batch-size", "128", "--freeze-batchnorm",
                "--publish-every-steps", "50", "--variant", "all-promoted=--promotion-tolerance 1 --min-refresh-interval 0",
                "--variant", "batch32=--embed-batch-size 32");
        assertThat(s).extracting(BenchStreamingCommand.Setup::label)
                .containsExactly("embedder on, as given", "embedder on, all-promoted", "embedder on, batch32");
        JobConfig given = s.get(0).options().toConfig("x:1");
        JobConfig allPromoted = s.get(1).options().toConfig("x:1");
        JobConfig batch32 = s.get(2).options().toConfig("x:1");

        assertThat(given.trainer().promotion().tolerance()).isEqualTo(0.005);
        assertThat(allPromoted.trainer().promotion().tolerance()).isEqualTo(1.0);
        assertThat(allPromoted.trainer().promotion().minRefreshInterval()).isEqualTo(Duration.ZERO);
        assertThat(allPromoted.trainer().publishEverySteps()).isEqualTo(50);
        assertThat(allPromoted.embedder().batchSize()).isEqualTo(128);
        assertThat(allPromoted.trainer().training().fineTuning().freezeBatchNorm()).isTrue();
        assertThat(batch32.embedder().batchSize()).isEqualTo(32);
        assertThat(batch32.trainer().promotion().tolerance()).isEqualTo(0.005);
        assertThat(s).allMatch(BenchStreamingCommand.Setup::withEmbedder);
        assertThat(s).allMatch(setup -> setup.options() != s.get(0).options() || setup == s.get(0));
    }

    @Test
    void withoutVariantsEachModeIsOneSetupNamedAsBefore() throws Exception {
        assertThat(setups(List.of(false, true))).extracting(BenchStreamingCommand.Setup::label)
                .containsExactly("embedder off", "embedder on");
    }

    @Test
    void aVariantWithoutANameOrWithABadFlagIsRefusedBeforeAnyRound() {
        assertThatThrownBy(() -> setups(List.of(true), "--variant", "--embed-batch-size 32"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NAME=FLAGS");
        assertThatThrownBy(() -> BenchStreamingCommand.configure(
                setups(List.of(true), "--variant", "bad=--promotion-tolerance 2"), "localhost:9092"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("embedder on, bad: --promotion-tolerance");
        assertThatThrownBy(() -> setups(List.of(true), "--variant", "bad=--no-such-flag"))
                .isInstanceOf(CommandLine.ParameterException.class);
    }
}
