package io.streamsynth.pipeline.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamsynth.pipeline.index.CommittedSearch;
import io.streamsynth.pipeline.index.IndexLayout;
import io.streamsynth.pipeline.index.Neighbour;
import io.streamsynth.pipeline.index.Neighbours;
import io.streamsynth.pipeline.index.NeighboursHttp;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The neighbours of one item, read from the last commit of an index directory. */
@Command(name = "search", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Prints the k nearest neighbours (cosine, the item itself left out) of an indexed item in "
                + "the newest complete version of its catalog, as of the last commit of `index serve` under "
                + "--index-dir (running or stopped; it commits every --commit-interval-ms).",
            "Output: one JSON object (--format json, as the HTTP API answers) or a table."})
public final class IndexSearchCommand implements Callable<Integer> {
    @Option(names = "--index-dir", required = true, description = "The directory of `index serve`.")
    Path indexDir;

    @Option(names = "--catalog", required = true, description = "Catalog.")
    String catalog;

    @Option(names = "--item", required = true, description = "Item id whose neighbours to list.")
    String item;

    @Option(names = "--k", description = "How many neighbours (default: ${DEFAULT-VALUE}).")
    int k = 10;

    @Option(names = "--format", description = "json or table (default: ${DEFAULT-VALUE}).")
    String format = "json";

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (k < 1) {
            throw new IllegalArgumentException("--k must be positive, got " + k);
        }
        if (!format.equals("json") && !format.equals("table")) {
            throw new IllegalArgumentException("--format must be json or table, got '" + format + "'");
        }
        IndexLayout layout = new IndexLayout(indexDir);
        if (!Files.exists(layout.stateFile())) {
            throw new IllegalArgumentException("no index at " + indexDir + " (no " + layout.stateFile().getFileName()
                    + "): run `index serve --index-dir " + indexDir + "` first");
        }
        // a switch to a newer version by a running `index serve` is followed, not reported
        Neighbours answer = new CommittedSearch(layout).neighbours(catalog, item, k);
        long version = answer.modelVersion();
        PrintWriter out = spec.commandLine().getOut();
        if (format.equals("json")) {
            out.println(new ObjectMapper().writeValueAsString(NeighboursHttp.toJson(answer, k)));
        } else {
            out.printf("catalog %s, model version %d, neighbours of %s%n", catalog, version, item);
            out.printf("%4s  %-24s  %-16s  %10s%n", "rank", "item_id", "label", "similarity");
            int rank = 1;
            for (Neighbour n : answer.neighbours()) {
                out.printf(Locale.ROOT, "%4d  %-24s  %-16s  %10.6f%n", rank++, n.itemId(),
                        n.label() == null ? "-" : n.label(), n.similarity());
            }
        }
        out.flush();
        return 0;
    }
}
