package io.streamsynth.operators.embed;

import io.streamsynth.operators.types.ItemKey;
import io.streamsynth.operators.types.VersionProgress;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * When an embedder subtask sends the version reports it owes ({@link OwedReports}) and what they
 * say: "complete" once the catalog's pass at the owed version is through here, with the live items
 * per owed key group, after the waiting batch was flushed (so a report follows every embedding it
 * covers); "superseded" when a newer version arrives first. See {@link ItemEmbedder}'s "Version reports".
 */
final class VersionReporting {
    /** The embedder's flush of its waiting batch. */
    interface Flush {
        void run() throws Exception;
    }

    private final OwedReports reports;
    private final SubtaskKeys subtask;
    private final Predicate<String> stillWorking;
    private final Supplier<Stream<String>> storedKeys;
    private final Flush flush;
    private final Consumer<VersionProgress> out;

    /**
     * @param stillWorking true for a catalog whose owed version is not through here yet (its pass
     *     runs, or its model is unusable and the next version supersedes it)
     * @param storedKeys the keys of this subtask's live items, those a complete report counts: stored items
     *     with a record at the served version (a fresh stream per call, closed after use)
     */
    VersionReporting(OwedReports reports, SubtaskKeys subtask, Predicate<String> stillWorking,
            Supplier<Stream<String>> storedKeys, Flush flush, Consumer<VersionProgress> out) {
        this.reports = reports;
        this.subtask = subtask;
        this.stillWorking = stillWorking;
        this.storedKeys = storedKeys;
        this.flush = flush;
        this.out = out;
    }

    /** Reports the catalog's owed version complete when it is through here; the waiting batch goes first. */
    void reportIfThrough(String catalog) throws Exception {
        OwedReports.Owed owed = reports.get(catalog);
        if (owed == null || stillWorking.test(catalog)) {
            return;
        }
        flush.run();
        reports.settle(catalog);
        report(catalog, owed, false, liveItems(catalog, owed));
    }

    void reportAllThrough() throws Exception {
        reportCut();
        for (String catalog : reports.catalogs()) {
            reportIfThrough(catalog);
        }
    }

    /** A newer version of the catalog arrived: the report still owed (if any) goes out superseded, without item counts. */
    void supersede(String catalog) {
        OwedReports.Owed cut = reports.settle(catalog);
        if (cut != null) {
            report(catalog, cut, true, new int[cut.keyGroups.cardinality()]);
        }
    }

    /**
     * Reports superseded the passes a restore cut ({@link OwedReports#cutBelow}). Every other report calls
     * it first, so that this subtask still reports each catalog's versions in order.
     */
    void reportCut() {
        if (!reports.hasCut()) {
            return;
        }
        reports.takeCut().forEach((catalog, versions) -> versions.forEach(
                o -> emit(catalog, o, true, new int[o.keyGroups.cardinality()])));
    }

    /**
     * A version this subtask never served (paced, a newer one replaced it while it waited): reported
     * superseded for all of this subtask's key groups, nothing embedded, so its marker does not wait for them.
     */
    void skipped(String catalog, long version, String checkpointSha256, String weightsSha256) {
        reportCut();
        int[] groups = subtask.keyGroupArray();
        out.accept(new VersionProgress(catalog, version, true, subtask.maxParallelism(), groups,
                new int[groups.length], 0, checkpointSha256, weightsSha256));
    }

    /** The catalog's stored items per owed key group, in the order of {@link OwedReports.Owed#keyGroupArray}. */
    private int[] liveItems(String catalog, OwedReports.Owed owed) {
        int[] perGroup = new int[subtask.maxParallelism()];
        String prefix = ItemKey.catalogPrefix(catalog);
        try (Stream<String> all = storedKeys.get()) {
            all.filter(k -> k.startsWith(prefix)).forEach(k -> perGroup[subtask.keyGroupOf(k)]++);
        }
        int[] groups = owed.keyGroupArray();
        int[] live = new int[groups.length];
        for (int i = 0; i < groups.length; i++) {
            live[i] = perGroup[groups[i]];
        }
        return live;
    }

    private void report(String catalog, OwedReports.Owed owed, boolean superseded, int[] liveItems) {
        reportCut();
        emit(catalog, owed, superseded, liveItems);
    }

    private void emit(String catalog, OwedReports.Owed owed, boolean superseded, int[] liveItems) {
        out.accept(new VersionProgress(catalog, owed.version, superseded, subtask.maxParallelism(),
                owed.keyGroupArray(), liveItems, owed.embedded, owed.checkpointSha256, owed.weightsSha256));
    }
}
