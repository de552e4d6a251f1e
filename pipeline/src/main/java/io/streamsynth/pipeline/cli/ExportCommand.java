package io.streamsynth.pipeline.cli;

import io.streamsynth.model.checkpoint.Checkpoint;
import io.streamsynth.model.checkpoint.CheckpointCodec;
import io.streamsynth.model.checkpoint.CheckpointIntegrityException;
import io.streamsynth.model.export.ModelExport;
import io.streamsynth.operators.kafka.AssembledCheckpoint;
import io.streamsynth.operators.kafka.CheckpointAssembler;
import io.streamsynth.operators.kafka.WireFormatException;
import io.streamsynth.pipeline.kafka.CommittedTopicReader;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Writes a published model checkpoint as files PyTorch tooling loads: weights and metadata. */
@Command(name = "export", sortOptions = false,
        description = {"Reads the checkpoints topic from the beginning (read_committed) until it has caught up, "
                + "reassembles the chunked checkpoints, takes the newest complete one of --catalog that the "
                + "promotion gate promoted (the model the embedder serves; --include-candidates: the newest of all; "
                + "--version: that one, promoted or not), "
                + "verifies the sha256 of its weights and writes PREFIX.safetensors (the weights, byte for byte, "
                + "for safetensors.torch.load_file, with PyTorch parameter names), PREFIX.json (the metadata) and "
                + "PREFIX.card.json (the model card: network, preprocessing, normalisation, training; "
                + "docs/python/rebuild_embedder.py rebuilds the embedder in PyTorch from it).",
            "A checkpoint is exported whole or not at all: a --version whose chunks did not all arrive (an open "
                + "transaction) is refused. Says on stderr which version it chose and why.",
            "Prints the version, step and weights sha256 it wrote. Exits 2 when no such checkpoint exists or "
                + "its weights fail the integrity check."})
public final class ExportCommand implements Callable<Integer> {
    /** Versions of a catalog collected at once; more only happens when chunks of many versions interleave. */
    private static final int MAX_INCOMPLETE_VERSIONS = 8;

    @Mixin
    KafkaClientOptions kafka = new KafkaClientOptions();

    @Option(names = "--topic", description = "Checkpoints topic (default: ${DEFAULT-VALUE}).")
    String topic = "checkpoints";

    @Option(names = "--catalog", description = "Catalog whose model to export (default: ${DEFAULT-VALUE}).")
    String catalog = "fashion";

    @Mixin
    VersionReadOptions read = new VersionReadOptions();

    @Option(names = "--include-candidates", description = "Without --version, take the newest complete version "
            + "even if the promotion gate did not promote it (default: the newest promoted one).")
    boolean includeCandidates;

    @Option(names = "--out", required = true, paramLabel = "PREFIX",
            description = "Output prefix: writes PREFIX.safetensors, PREFIX.json and PREFIX.card.json.")
    String out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        read.validate();
        if (out.isBlank()) {
            throw new IllegalArgumentException("--out must name a file prefix");
        }
        kafka.preflight(List.of(topic));
        CheckpointChoice choice = new CheckpointChoice(catalog, read.version, includeCandidates);
        String[] lastProblem = {null};
        CheckpointAssembler assembler = new CheckpointAssembler(MAX_INCOMPLETE_VERSIONS);
        try (CommittedTopicReader reader = new CommittedTopicReader(kafka.bootstrapServers(),
                kafka.clientProperties(), topic)) {
            reader.readAll(Duration.ofMillis(read.idleMillis), System.err, r -> {
                try {
                    assembler.accept(r).ifPresent(choice::accept);
                } catch (WireFormatException | CheckpointIntegrityException | IllegalArgumentException e) {
                    // one bad record must not hide the good checkpoints after it
                    lastProblem[0] = "partition " + r.partition() + " offset " + r.offset() + ": " + e.getMessage();
                    // on the command's error stream, so whoever runs it (a script, a test) sees which version
                    spec.commandLine().getErr().println("skipped a checkpoint record at " + lastProblem[0]);
                }
            });
        }
        Map<Long, String> incomplete = assembler.incompleteVersions(catalog);
        if (read.version != null && choice.chosen().isEmpty() && incomplete.containsKey(read.version)) {
            throw new IllegalArgumentException("checkpoint version " + read.version + " of catalog '" + catalog
                    + "' is incomplete in topic '" + topic + "': " + incomplete.get(read.version) + " read (the rest "
                    + "are in an open transaction or were never written); nothing written: export a complete version");
        }
        AssembledCheckpoint chosen = choice.chosen().orElseThrow(() -> new IllegalArgumentException(
                "no complete " + (read.version == null && !includeCandidates && choice.newestRead() >= 0
                        ? "promoted " : "") + "checkpoint of catalog '" + catalog + "'"
                        + (read.version == null ? "" : " version " + read.version)
                        + " in topic '" + topic + "'" + (lastProblem[0] == null ? "" : "; last problem: "
                        + lastProblem[0])));
        Checkpoint checkpoint = decode(chosen);
        String newerIncomplete = incomplete.entrySet().stream().filter(e -> e.getKey() > chosen.version())
                .map(e -> "version " + e.getKey() + " has " + e.getValue()).reduce((a, b) -> a + ", " + b)
                .map(s -> "; " + s + " so far").orElse("");
        spec.commandLine().getErr().println("exporting version " + chosen.version() + ", " + choice.reason()
                + newerIncomplete);
        ModelExport.Files files = ModelExport.write(checkpoint, out);
        spec.commandLine().getOut().printf(Locale.ROOT,
                "exported catalog %s version %d (step %d): %s, %s, %s; weights sha256 %s%n", catalog,
                checkpoint.metadata().modelVersion(), checkpoint.metadata().step(), files.weights(), files.metadata(),
                files.card(), checkpoint.metadata().weightsSha256());
        return 0;
    }

    private static Checkpoint decode(AssembledCheckpoint c) {
        try {
            return CheckpointCodec.decode(c.bytes());
        } catch (CheckpointIntegrityException e) {
            throw new IllegalArgumentException("checkpoint of " + c.catalog() + " version " + c.version()
                    + " fails its integrity check, nothing written: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("checkpoint of " + c.catalog() + " version " + c.version()
                    + " cannot be read, nothing written: " + e.getMessage(), e);
        }
    }
}
