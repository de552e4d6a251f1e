package io.streamsynth.bench.cli;

import io.streamsynth.pipeline.CommandPlugin;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The benchmarks, one subcommand each. Without a subcommand it runs {@code bench step} with its
 * defaults, which is what {@code bench} did before it had subcommands. A new benchmark is one more
 * class in {@code subcommands}. {@code streamsynth}'s {@code Main} finds this command through
 * {@link CommandPlugin} (META-INF/services), since the pipeline module does not depend on this one.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmarks, each against a baseline measured in the same run. Without a subcommand, runs "
                + "`bench step` with its defaults."},
        subcommands = {BenchStepCommand.class, BenchGrowthCommand.class, BenchStreamingCommand.class,
                BenchFreshnessCommand.class, BenchEmbedCommand.class, BenchPytorchCommand.class,
                BenchSpecsCommand.class, BenchIncrementalCommand.class, BenchStreamVsOfflineCommand.class,
                BenchStreamGrowthCommand.class})
public final class BenchCommand implements Callable<Integer>, CommandPlugin {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        CommandLine step = spec.commandLine().getSubcommands().get("step");
        return step.execute();
    }
}
