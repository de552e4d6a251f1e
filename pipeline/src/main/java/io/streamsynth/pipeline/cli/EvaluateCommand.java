package io.streamsynth.pipeline.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamsynth.model.metrics.NonFiniteEmbeddingException;
import io.streamsynth.model.metrics.RetrievalReport;
import io.streamsynth.operators.kafka.EmbeddingJson;
import io.streamsynth.operators.kafka.WireFormatException;
import io.streamsynth.operators.types.ItemEmbedding;
import io.streamsynth.operators.types.ItemKey;
import io.streamsynth.pipeline.kafka.CommittedTopicReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Scores the published embeddings of one model version as a downstream index would see them. */
@Command(name = "evaluate", sortOptions = false,
        description = {"Reads the embeddings topic from the beginning (read_committed) until it has caught up, keeps "
                + "the last record per item of one catalog at one model version, and scores them with their labels "
                + "as ground truth: cosine Recall@1/2/4/8 (query excluded), NMI (k-means, k = number of labels) "
                + "and MAP@R.",
            "The version is complete when every labelled item read has an embedding at it: by default the newest "
                + "complete one; a --version that is incomplete is refused unless --allow-partial. Says on stderr "
                + "which version it chose and why.",
            "Prints exactly one JSON line on stdout: catalog, version, items, r_at_1, r_at_2, r_at_4, r_at_8, nmi, "
                + "map_at_r, items_read, complete, records_skipped. Items without a label are left out; records that "
                + "break the wire format (a vector value that is no finite float32 among them) are left out, "
                + "counted, and the first few named on stderr."})
public final class EvaluateCommand implements Callable<Integer> {
    @Mixin
    KafkaClientOptions kafka = new KafkaClientOptions();

    @Option(names = "--topic", description = "Embeddings topic (default: ${DEFAULT-VALUE}).")
    String topic = "embeddings";

    @Option(names = "--catalog", description = "Catalog to score (default: ${DEFAULT-VALUE}).")
    String catalog = "fashion";

    @Mixin
    VersionReadOptions read = new VersionReadOptions();

    @Option(names = "--allow-partial", description = "Score a version that only some of the items read have "
            + "reached (default: only complete versions); prints how many items it covers.")
    boolean allowPartial;

    @Option(names = "--items-prefix", paramLabel = "PREFIX",
            description = "Only items whose id starts with this, e.g. query- (default: all items).")
    String itemsPrefix = "";

    @Option(names = "--seed", description = "Seed of the k-means behind NMI (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        read.validate();
        kafka.preflight(List.of(topic));
        SkippedRecords malformed = new SkippedRecords();
        VersionCoverage coverage = new VersionCoverage();
        VersionCoverage.Choice choice;
        EmbeddingSelection selection;
        try (CommittedTopicReader reader = new CommittedTopicReader(kafka.bootstrapServers(),
                kafka.clientProperties(), topic)) {
            // first which versions each item reached, then the chosen version's records only
            reader.readAll(Duration.ofMillis(read.idleMillis), System.err, r -> {
                if (r.value() == null) {
                    Optional<ItemKey> deleted = ItemKey.decode(r.key());
                    if (deleted.isPresent()) {
                        if (catalog.equals(deleted.get().catalog())) {
                            coverage.remove(deleted.get().itemId());
                        }
                        return;
                    }
                }
                try {
                    ItemEmbedding e = EmbeddingJson.decode(r.value());
                    if (selected(e)) {
                        coverage.add(e.itemId, e.modelVersion, new VersionCoverage.Position(r.partition(), r.offset()));
                    }
                } catch (WireFormatException e) {
                    malformed.add(r.key(), r.partition(), r.offset(), e.getMessage());
                }
            });
            choice = coverage.choose(read.version, allowPartial, "labelled items of catalog '" + catalog + "'"
                    + (itemsPrefix.isEmpty() ? "" : " with --items-prefix '" + itemsPrefix + "'") + " in topic '"
                    + topic + "'");
            selection = new EmbeddingSelection(catalog, itemsPrefix, choice.version());
            reader.readOffsets(coverage.positionsAt(choice.version()),
                    r -> selection.accept(EmbeddingJson.decode(r.value())));
        }
        malformed.summary("embedding")
                .ifPresent(spec.commandLine().getErr()::println);
        spec.commandLine().getErr().println("evaluating " + choice.reason());
        Map<String, Object> result = score(selection);
        result.put("items_read", choice.items());
        result.put("complete", choice.complete());
        result.put("records_skipped", malformed.count());
        spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(result));
        return 0;
    }

    private boolean selected(ItemEmbedding e) {
        return catalog.equals(e.catalog) && e.itemId.startsWith(itemsPrefix) && e.label != null;
    }

    private Map<String, Object> score(EmbeddingSelection selection) {
        List<float[]> vectors = new ArrayList<>();
        List<String> items = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        Map<String, Integer> labelIds = new HashMap<>();
        int dim = -1;
        for (ItemEmbedding e : selection.items()) {
            if (e.label == null) {
                continue;
            }
            if (dim >= 0 && e.vector.length != dim) {
                throw new IllegalArgumentException("embeddings of " + catalog + " v" + selection.version()
                        + " differ in size (" + dim + " and " + e.vector.length + "); they cannot be compared");
            }
            dim = e.vector.length;
            vectors.add(e.vector);
            items.add(e.itemId);
            // RetrievalReport compares int labels; any consistent numbering of the strings will do
            labels.add(labelIds.computeIfAbsent(e.label, l -> labelIds.size()));
        }
        if (vectors.size() < 2) {
            throw new IllegalArgumentException("found " + vectors.size() + " labelled embeddings of catalog '"
                    + catalog + "'" + (itemsPrefix.isEmpty() ? "" : " with --items-prefix '" + itemsPrefix + "'")
                    + (selection.version() < 0 ? "" : " at version " + selection.version())
                    + " in topic '" + topic + "'; at least 2 are needed");
        }
        RetrievalReport report;
        try {
            report = RetrievalReport.evaluate(vectors.toArray(new float[0][]),
                    labels.stream().mapToInt(Integer::intValue).toArray(), seed);
        } catch (NonFiniteEmbeddingException e) {
            throw new IllegalArgumentException("item '" + items.get(e.firstIndex()) + "' of catalog '" + catalog
                    + "' at version " + selection.version() + " has a non-finite embedding and cannot be ranked ("
                    + e.getMessage() + ")", e);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("catalog", catalog);
        out.put("version", selection.version());
        out.put("items", vectors.size());
        out.putAll(report.toMap());
        return out;
    }
}
