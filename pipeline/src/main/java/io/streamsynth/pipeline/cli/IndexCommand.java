package io.streamsynth.pipeline.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The vector index fed from the embeddings topic: {@code index serve} builds and serves it, {@code index search} asks it. */
@Command(name = "index", mixinStandardHelpOptions = true,
        description = {"Apache Lucene HNSW indexes of the embeddings topic, one per (catalog, model version), on "
                + "local disk; k-NN queries are answered from the newest complete version of a catalog only."},
        subcommands = {IndexServeCommand.class, IndexSearchCommand.class})
public final class IndexCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "index needs a subcommand: serve or search");
    }
}
