package io.streamsynth.pipeline.index;

import io.streamsynth.operators.kafka.EmbeddingJson;
import io.streamsynth.operators.kafka.VersionMarkerJson;
import io.streamsynth.operators.kafka.WireFormatException;
import io.streamsynth.operators.types.ItemEmbedding;
import io.streamsynth.operators.types.ItemKey;
import io.streamsynth.operators.types.VersionMarker;
import io.streamsynth.pipeline.index.IndexLayout.CatalogVersion;
import io.streamsynth.pipeline.index.IndexState.PendingMarker;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.lucene.store.AlreadyClosedException;

/**
 * Every catalog's indexes, one per model version, and which one answers queries.
 *
 * <p>Records of the embeddings topic go to the index of their (catalog, version) as they arrive;
 * a tombstone removes its item from every version's index of its catalog. A catalog serves the
 * newest version whose complete marker has been read and whose records are all in: the embeddings
 * topic's position has reached the read_committed end offsets taken when the marker was read (a
 * marker is committed in the same Flink checkpoint as its records or a later one) and the index
 * holds the marker's {@code items} (counting items deleted since), or {@code grace} has passed since
 * the offsets were reached. The reason for the count: the two sinks of one checkpoint commit their
 * transactions in no fixed order, so the end offsets alone can stop short of records committed a
 * moment after the marker. The switch is one reference swap, so a query sees the old version or the
 * new one, never a mix; older versions' indexes are dropped once the new choice is saved. A
 * superseded version (its marker says so) never completes: its index is dropped and its records
 * read later are skipped.
 *
 * <p>Writes come from one feeder thread; {@link #neighbours} may be called from any thread.
 */
public final class CatalogIndexes implements AutoCloseable {
    private final IndexLayout layout;
    private final PrintStream log;
    private final Duration grace;
    private final Map<CatalogVersion, VectorIndex> open = new HashMap<>();
    private final Map<String, VectorIndex> served = new ConcurrentHashMap<>();
    private final Map<CatalogVersion, Pending> pending = new HashMap<>();
    private final Set<CatalogVersion> touched = new HashSet<>();
    private final List<VectorIndex> retired = new ArrayList<>();
    private final Set<CatalogVersion> superseded = new HashSet<>();
    private long malformed;
    private IndexState saved;

    /**
     * Opens the indexes under the layout's root as the saved state left them, deleting those of
     * versions older than the one their catalog serves.
     *
     * @param grace how long a complete marker whose offsets were reached waits for its item count
     */
    public CatalogIndexes(IndexLayout layout, IndexState state, Duration grace, PrintStream log) throws IOException {
        this.layout = layout;
        this.grace = grace;
        this.log = log;
        for (CatalogVersion cv : layout.present()) {
            Long servedVersion = state.served().get(cv.catalog());
            if (servedVersion != null && cv.version() < servedVersion) {
                IndexLayout.deleteTree(layout.versionDir(cv.catalog(), cv.version()));
            } else {
                open.put(cv, VectorIndex.open(layout.versionDir(cv.catalog(), cv.version()), cv.catalog(), cv.version()));
            }
        }
        state.served().forEach((catalog, version) -> {
            VectorIndex index = open.get(new CatalogVersion(catalog, version));
            if (index == null) {
                log.printf("index: catalog '%s' served version %d, whose index is gone from %s; it serves nothing "
                        + "until its next complete version%n", catalog, version, layout.root());
            } else {
                served.put(catalog, index);
            }
        });
        superseded.addAll(state.superseded());
        for (PendingMarker m : state.pending()) {
            pending.put(new CatalogVersion(m.catalog(), m.version()), new Pending(m));
        }
        for (VectorIndex index : open.values()) {
            index.refresh();
        }
    }

    /**
     * Applies one record of the embeddings topic: an embedding to its version's index, a tombstone to
     * every index of its catalog. A record that is neither is counted ({@link #malformed}) and skipped.
     */
    public void embedding(int partition, long offset, byte[] key, byte[] value) throws IOException {
        if (value == null) {
            Optional<ItemKey> item = ItemKey.decode(key);
            if (item.isEmpty()) {
                skip(partition, offset, "a tombstone whose key is not an item key: " + ItemKey.problem(key));
                return;
            }
            for (VectorIndex index : open.values()) {
                if (index.catalog().equals(item.get().catalog())
                        && index.delete(partition, offset, item.get().itemId())) {
                    touched.add(new CatalogVersion(index.catalog(), index.version()));
                    Pending p = pending.get(new CatalogVersion(index.catalog(), index.version()));
                    if (p != null) {
                        p.deletedSince++;
                    }
                }
            }
            return;
        }
        ItemEmbedding e;
        try {
            e = EmbeddingJson.decode(value);
        } catch (WireFormatException ex) {
            skip(partition, offset, ex.getMessage());
            return;
        }
        VectorIndex current = served.get(e.catalog);
        if (current != null && e.modelVersion < current.version()) {
            return; // an old version's record, read late: no query will use it
        }
        CatalogVersion cv = new CatalogVersion(e.catalog, e.modelVersion);
        if (superseded.contains(cv)) {
            return;
        }
        VectorIndex index = open.get(cv);
        if (index == null) {
            index = VectorIndex.open(layout.versionDir(e.catalog, e.modelVersion), e.catalog, e.modelVersion);
            open.put(cv, index);
        }
        try {
            index.put(partition, offset, e.itemId, e.label, e.vector);
            touched.add(cv);
        } catch (IllegalArgumentException ex) {
            skip(partition, offset, "Lucene refused the vector of item '" + e.itemId + "': " + ex.getMessage());
        }
    }

    /**
     * Takes note of a marker. A complete one newer than the served version waits for the embeddings
     * topic to reach {@code endOffsets} (read_committed, taken now: after the marker was read).
     */
    public void marker(byte[] value, Supplier<Map<Integer, Long>> endOffsets, long nowMillis) {
        VersionMarker m;
        try {
            m = VersionMarkerJson.decodeAnyStatus(value);
        } catch (WireFormatException e) {
            malformed++;
            log.printf("index: skipped a marker: %s%n", e.getMessage());
            return;
        }
        VectorIndex current = served.get(m.catalog);
        if (current != null && m.version <= current.version()) {
            return;
        }
        CatalogVersion cv = new CatalogVersion(m.catalog, m.version);
        if (m.isSuperseded()) {
            // never complete: its index goes, and so do its records read later
            superseded.add(cv);
            pending.remove(cv);
            VectorIndex index = open.remove(cv);
            if (index != null) {
                retired.add(index);
            }
            return;
        }
        if (!m.isComplete()) {
            // a status a later writer added: nothing this reader knows to do with it
            return;
        }
        pending.put(cv, new Pending(new PendingMarker(m.catalog, m.version, m.items, endOffsets.get(), nowMillis)));
    }

    /** Makes the records applied so far visible to queries. */
    public void refresh() throws IOException {
        for (CatalogVersion cv : touched) {
            VectorIndex index = open.get(cv);
            if (index != null) {
                index.refresh();
            }
        }
        touched.clear();
    }

    /**
     * Serves, per catalog, the newest pending complete version whose records are all in.
     *
     * @param position the embeddings topic's position, every record before it applied
     * @return one line per catalog that switched
     */
    public List<String> promote(Map<Integer, Long> position, long nowMillis) throws IOException {
        List<String> lines = new ArrayList<>();
        List<Pending> ready = new ArrayList<>();
        for (Pending p : pending.values()) {
            if (p.ready(position, nowMillis)) {
                ready.add(p);
            }
        }
        ready.sort(Comparator.comparingLong((Pending p) -> p.marker.version()).reversed());
        for (Pending p : ready) {
            PendingMarker m = p.marker;
            VectorIndex current = served.get(m.catalog());
            if (current != null && current.version() >= m.version()) {
                continue;
            }
            CatalogVersion cv = new CatalogVersion(m.catalog(), m.version());
            VectorIndex next = open.get(cv);
            if (next == null) {
                next = VectorIndex.open(layout.versionDir(m.catalog(), m.version()), m.catalog(), m.version());
                open.put(cv, next);
            }
            next.refresh();
            served.put(m.catalog(), next);
            lines.add(String.format("index: catalog '%s' now serves version %d (%d items; the marker counted %d%s)",
                    m.catalog(), m.version(), next.size(), m.items(),
                    p.counted() ? "" : "; waited " + grace.toSeconds() + " s for the rest"));
            retireOlder(m.catalog(), m.version());
        }
        return lines;
    }

    private void retireOlder(String catalog, long version) {
        pending.keySet().removeIf(cv -> cv.catalog().equals(catalog) && cv.version() <= version);
        for (var it = open.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (e.getKey().catalog().equals(catalog) && e.getKey().version() < version) {
                retired.add(e.getValue());
                it.remove();
            }
        }
    }

    /**
     * Commits every index with {@code embeddings}, then saves the state, then deletes the retired
     * indexes: a crash at any point leaves indexes at least as new as the saved state, which replay
     * from the state's positions brings level.
     */
    public void commit(Map<Integer, Long> embeddings, Map<Integer, Long> markers) throws IOException {
        Map<String, Long> servedVersions = new TreeMap<>();
        served.forEach((c, index) -> servedVersions.put(c, index.version()));
        // a superseded version at or below its catalog's served one is skipped as older anyway
        superseded.removeIf(cv -> cv.version() <= servedVersions.getOrDefault(cv.catalog(), -1L));
        IndexState state = new IndexState(embeddings, markers, servedVersions,
                pending.values().stream().map(p -> p.marker).sorted(Comparator.comparing(PendingMarker::catalog)
                        .thenComparingLong(PendingMarker::version)).toList(),
                superseded.stream().sorted(Comparator.comparing(CatalogVersion::catalog)
                        .thenComparingLong(CatalogVersion::version)).toList());
        if (state.equals(saved) && retired.isEmpty()) {
            return; // nothing read or decided since: no need to touch the disk
        }
        for (VectorIndex index : open.values()) {
            index.commit(embeddings);
        }
        state.write(layout.stateFile());
        saved = state;
        for (VectorIndex index : retired) {
            index.close();
            IndexLayout.deleteTree(index.dir());
        }
        retired.clear();
    }

    /**
     * The neighbours of an item from its catalog's served version.
     *
     * @throws NoSuchElementException naming what is unknown: the catalog (no complete version yet) or the item
     */
    public Neighbours neighbours(String catalog, String itemId, int k) throws IOException {
        for (int attempt = 0; ; attempt++) {
            VectorIndex index = served.get(catalog);
            if (index == null) {
                throw new NoSuchElementException("catalog '" + catalog + "' has no complete version in this index");
            }
            try {
                return new Neighbours(catalog, index.version(), itemId, index.neighbours(itemId, k).orElseThrow(
                        () -> new NoSuchElementException("item '" + itemId + "' is not in catalog '" + catalog
                                + "' at version " + index.version())));
            } catch (AlreadyClosedException e) {
                // retired by a switch between reading the reference and searching: ask the new version
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /** Per catalog, the served version and its live items. */
    public Map<String, long[]> served() {
        Map<String, long[]> out = new TreeMap<>();
        served.forEach((c, index) -> out.put(c, new long[] {index.version(), index.size()}));
        return out;
    }

    /** The versions being built (open but not served), as {@code catalog vN (items)}; feeder thread only. */
    public String building() {
        Map<CatalogVersion, Integer> out = new TreeMap<>(Comparator.comparing(CatalogVersion::catalog)
                .thenComparingLong(CatalogVersion::version));
        open.forEach((cv, index) -> {
            if (served.get(cv.catalog()) != index) {
                out.put(cv, index.size());
            }
        });
        StringBuilder sb = new StringBuilder("{");
        out.forEach((cv, n) -> sb.append(sb.length() == 1 ? "" : ", ").append(cv.catalog()).append(" v")
                .append(cv.version()).append(" (").append(n).append(" items)"));
        return sb.append('}').toString();
    }

    /** Records skipped because they are not in the documented formats. */
    public long malformed() {
        return malformed;
    }

    private void skip(int partition, long offset, String why) {
        malformed++;
        if (malformed <= 10) {
            log.printf("index: skipped embeddings record %d@%d: %s%s%n", partition, offset, why,
                    malformed == 10 ? " (further ones are only counted)" : "");
        }
    }

    /** Closes every index without committing (call {@link #commit} first to keep the work). */
    @Override
    public void close() throws IOException {
        served.clear();
        for (VectorIndex index : open.values()) {
            index.close();
        }
        for (VectorIndex index : retired) {
            index.close();
        }
        open.clear();
        retired.clear();
    }

    /** A complete marker waiting for its records. */
    private final class Pending {
        final PendingMarker marker;
        long deletedSince;
        long reachedAtMillis = -1;

        Pending(PendingMarker marker) {
            this.marker = marker;
        }

        boolean ready(Map<Integer, Long> position, long nowMillis) {
            for (Map.Entry<Integer, Long> r : marker.required().entrySet()) {
                if (position.getOrDefault(r.getKey(), 0L) < r.getValue()) {
                    return false;
                }
            }
            if (reachedAtMillis < 0) {
                reachedAtMillis = nowMillis;
            }
            return counted() || nowMillis - reachedAtMillis >= grace.toMillis();
        }

        boolean counted() {
            VectorIndex index = open.get(new CatalogVersion(marker.catalog(), marker.version()));
            return (index == null ? 0 : index.size()) + deletedSince >= marker.items();
        }
    }
}
