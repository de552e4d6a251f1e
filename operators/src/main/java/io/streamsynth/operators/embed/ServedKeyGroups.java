package io.streamsynth.operators.embed;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.runtime.state.KeyGroupRange;

/**
 * Per catalog, the model version each key group's items are served at: embedded at it, or in its
 * running pass. Under pacing the subtasks of one job serve versions at different times, while broadcast
 * state is restored from a single old subtask's copy; after a rescale a subtask learns from these entries
 * (a union list, filtered to its key groups) which of its new key groups are behind the newest version
 * it knows and must be re-embedded, and which are at it already and must not be embedded twice.
 */
final class ServedKeyGroups {
    /** The key groups one old subtask served at one version; as checkpointed (a Flink POJO). */
    public static final class Entry {
        public String catalog;
        public long version;
        public int[] keyGroups;

        public Entry() {}

        Entry(String catalog, long version, int[] keyGroups) {
            this.catalog = catalog;
            this.version = version;
            this.keyGroups = keyGroups;
        }
    }

    /** Per catalog, version to the key groups of this subtask served at it. */
    private final Map<String, TreeMap<Long, BitSet>> byCatalog = new HashMap<>();

    /** Keeps the entries' key groups within {@code own}, from every old subtask's entries. */
    void restore(Iterable<Entry> entries, KeyGroupRange own) {
        for (Entry e : entries) {
            for (int g : e.keyGroups) {
                if (own.contains(g)) {
                    byCatalog.computeIfAbsent(e.catalog, c -> new TreeMap<>())
                            .computeIfAbsent(e.version, v -> new BitSet()).set(g);
                }
            }
        }
    }

    /** From now on every key group in {@code own} is served at {@code version}. */
    void served(String catalog, long version, KeyGroupRange own) {
        TreeMap<Long, BitSet> versions = new TreeMap<>();
        versions.put(version, SubtaskKeys.bits(own));
        byCatalog.put(catalog, versions);
    }

    /** Whether the restored state said anything of the catalog (state from before these entries says nothing). */
    boolean knows(String catalog) {
        return byCatalog.containsKey(catalog);
    }

    /**
     * The key groups in {@code own} not known to be served at {@code version} or newer: those served at an
     * older version, and those no old subtask served the catalog at (their items never had a model).
     */
    BitSet behind(String catalog, long version, KeyGroupRange own) {
        BitSet behind = SubtaskKeys.bits(own);
        TreeMap<Long, BitSet> versions = byCatalog.get(catalog);
        if (versions != null) {
            versions.tailMap(version, true).values().forEach(behind::andNot);
        }
        return behind;
    }

    List<Entry> snapshot() {
        List<Entry> out = new ArrayList<>();
        byCatalog.forEach((catalog, versions) -> versions.forEach(
                (version, groups) -> out.add(new Entry(catalog, version, groups.stream().toArray()))));
        return out;
    }
}
