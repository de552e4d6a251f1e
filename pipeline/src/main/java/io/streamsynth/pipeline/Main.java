package io.streamsynth.pipeline;

import io.streamsynth.model.train.InvalidSettingException;
import io.streamsynth.pipeline.cli.EvaluateCommand;
import io.streamsynth.pipeline.cli.ExportCommand;
import io.streamsynth.pipeline.cli.IndexCommand;
import io.streamsynth.pipeline.cli.OfflineCommand;
import io.streamsynth.pipeline.cli.ProduceCommand;
import io.streamsynth.pipeline.cli.QuickstartCommand;
import io.streamsynth.pipeline.cli.ShotsCommand;
import io.streamsynth.pipeline.cli.TrainCommand;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line: one shaded jar, one subcommand per task. Subcommands of other modules on the
 * class path ({@code bench} from the bench module) join through {@link CommandPlugin}, listed
 * after the built-in ones and before {@code help}.
 */
@Command(name = "streamsynth", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Streaming deep metric learning with synthetic hard negatives (Embedding Expansion, "
                + "Symmetrical Synthesis) on Flink, Kafka and DJL.",
        subcommands = {QuickstartCommand.class, TrainCommand.class, OfflineCommand.class, ProduceCommand.class,
                EvaluateCommand.class, ExportCommand.class, IndexCommand.class, ShotsCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        // under `flink run` in application mode this main runs inside the JobManager: exit only on failure
        if (code != 0) {
            System.exit(code);
        }
    }

    /** The configured parser; tests drive it directly. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        // pipeline must not depend on the modules that extend it, so it finds their commands at run time
        for (CommandPlugin plugin : ServiceLoader.load(CommandPlugin.class, Main.class.getClassLoader())) {
            cli.addSubcommand(plugin);
        }
        return cli.addSubcommand(new CommandLine.HelpCommand())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    if (e instanceof InvalidSettingException s) {
                        cmd.getErr().println("error: " + s.asFlag());
                        return 2;
                    }
                    if (e instanceof IllegalArgumentException || e instanceof java.io.IOException) {
                        cmd.getErr().println("error: " + e.getMessage());
                        return 2;
                    }
                    throw e;
                });
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"streamsynth " + (v == null ? "dev" : v)};
        }
    }
}
