package io.streamsynth.pipeline.cli;

import io.streamsynth.model.checkpoint.Checkpoint;
import io.streamsynth.model.data.ImageSet;
import io.streamsynth.model.metrics.RetrievalReport;
import io.streamsynth.model.train.EmbeddingModel;
import io.streamsynth.operators.types.ItemEmbedding;
import io.streamsynth.pipeline.job.JobConfig;
import io.streamsynth.pipeline.kafka.PipelineWatcher;
import io.streamsynth.pipeline.produce.ImageItems;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SortedMap;

/**
 * The quickstart's summary: what the job published, each catalog's served model, and the zero-shot
 * figures (Recall@1, NMI, MAP@R) on the unseen classes' query items, computed from the embeddings
 * the job published, next to the same network's figures with its initial weights.
 */
final class QuickstartReport {
    private final PipelineWatcher watcher;
    private final JobConfig config;
    private final String catalog;
    private final long seed;
    private final PrintStream out;

    /** @param seed the evaluation's seed (NMI's k-means), the job's {@code --seed} */
    QuickstartReport(PipelineWatcher watcher, JobConfig config, String catalog, long seed, PrintStream out) {
        this.watcher = watcher;
        this.config = config;
        this.catalog = catalog;
        this.seed = seed;
        this.out = out;
    }

    /** Prints the summary; {@code queries} null or empty leaves out the zero-shot figures. */
    void print(ImageItems queries) {
        // the served versions: a candidate the promotion gate held back is never embedded
        SortedMap<String, Checkpoint> newest = watcher.newestPromotedCheckpointByCatalog();
        Checkpoint last = newest.get(catalog);
        out.println();
        out.println("== summary");
        out.printf("checkpoints published: %d, %d of them promoted (each re-embedded the catalog); embeddings "
                + "published: %d; dead letters: %d%n", watcher.checkpoints().size(), watcher.promotedCheckpoints(),
                watcher.embeddings(), watcher.deadLetters());
        newest.forEach((other, c) -> {
            if (!other.equals(catalog)) {
                out.printf("catalog %s: version %d at step %d; held-out figures %s%n", other,
                        c.metadata().modelVersion(), c.metadata().step(),
                        QuickstartProgress.figures(c.metadata().evaluation()));
            }
        });
        if (last == null || queries == null || queries.size() == 0) {
            out.println("no final model or no unseen classes: nothing to report");
            return;
        }
        out.printf("final model (the newest promoted): version %d at step %d; held-out figures %s%n",
                last.metadata().modelVersion(), last.metadata().step(),
                QuickstartProgress.figures(last.metadata().evaluation()));
        zeroShot(queries, last.metadata().modelVersion());
    }

    private void zeroShot(ImageItems queries, long finalVersion) {
        // only a version every query item reached is comparable with another run: a timed-out wait
        // leaves the final version on part of them
        VersionCoverage coverage = new VersionCoverage();
        watcher.retainedVersions().forEach((item, versions) -> versions.keySet().forEach(v -> coverage.add(item, v)));
        int queriesSent = queries.size();
        OptionalLong complete = coverage.newestComplete(queriesSent);
        if (complete.isEmpty()) {
            out.printf(Locale.ROOT, "no version has reached all %d query items yet (the final version %d has %d of "
                    + "them): no figure comparable with a full run to report%n", queriesSent, finalVersion,
                    coverage.itemsAt(finalVersion));
            return;
        }
        long version = complete.getAsLong();
        List<float[]> vectors = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (Map<Long, ItemEmbedding> versions : watcher.retainedVersions().values()) {
            ItemEmbedding e = versions.get(version);
            if (e != null) {
                vectors.add(e.vector);
                labels.add(Integer.parseInt(e.label));
            }
        }
        if (vectors.size() < 2) {
            out.println("too few query embeddings at the final version to evaluate");
            return;
        }
        String why = version == finalVersion ? "the final version, which all of them reached"
                : String.format(Locale.ROOT, "the newest version all of them reached; the final version %d reached "
                        + "only %d", finalVersion, coverage.itemsAt(finalVersion));
        RetrievalReport trained = RetrievalReport.evaluate(vectors.toArray(new float[0][]),
                labels.stream().mapToInt(Integer::intValue).toArray(), seed);
        RetrievalReport untrained = untrained(queries);
        out.printf(Locale.ROOT, "zero-shot on %d unseen-class test images (from published embeddings, version %d: "
                + "%s):%n", vectors.size(), version, why);
        out.printf(Locale.ROOT, "  Recall@1 %.4f  (untrained %.4f)   NMI %.4f  (untrained %.4f)   MAP@R %.4f  "
                + "(untrained %.4f)%n", trained.recallAt1(), untrained.recallAt1(), trained.nmi(), untrained.nmi(),
                trained.mapAtR(), untrained.mapAtR());
    }

    /** The same network with its initial weights (same seed), on the same query images. */
    private RetrievalReport untrained(ImageItems queries) {
        ImageSet subset = queries.images().subset(queries.items().stream().mapToInt(ImageItems.Item::index).toArray());
        try (EmbeddingModel model = new EmbeddingModel(config.trainer().architecture(),
                config.trainer().device().resolve(), config.trainer().seed(),
                config.trainer().readScriptedBackbone())) {
            return RetrievalReport.evaluate(model.embed(subset.pixels(), 256), subset.labels(), seed);
        }
    }
}
