package io.streamsynth.operators.embed;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.state.KeyGroupRange;

/**
 * The version reports an embedder subtask still owes, one per catalog: the newest version it
 * received, and the key groups whose re-embedding pass at that version it has not reported yet.
 *
 * <p>Owing is per key group, not per subtask, so that it survives rescaling: the entries are
 * checkpointed as a union list, and on restore each subtask keeps the owed key groups that are now
 * its own (the pending items of those key groups moved to it too), so every key group is reported
 * by exactly one subtask whatever the parallelism was when the version arrived.
 */
final class OwedReports {
    /** A report owed for {@code keyGroups}; as checkpointed (a Flink POJO). */
    public static final class Entry {
        public String catalog;
        public long version;
        public int[] keyGroups;
        public long embedded;
        public String checkpointSha256;
        public String weightsSha256;

        public Entry() {}

        Entry(String catalog, long version, int[] keyGroups, long embedded, String checkpointSha256,
                String weightsSha256) {
            this.catalog = catalog;
            this.version = version;
            this.keyGroups = keyGroups;
            this.embedded = embedded;
            this.checkpointSha256 = checkpointSha256;
            this.weightsSha256 = weightsSha256;
        }
    }

    /** One owed report in memory. */
    static final class Owed {
        final long version;
        final BitSet keyGroups;
        final String checkpointSha256;
        final String weightsSha256;
        long embedded;

        Owed(long version, BitSet keyGroups, long embedded, String checkpointSha256, String weightsSha256) {
            this.version = version;
            this.keyGroups = keyGroups;
            this.embedded = embedded;
            this.checkpointSha256 = checkpointSha256;
            this.weightsSha256 = weightsSha256;
        }

        int[] keyGroupArray() {
            return keyGroups.stream().toArray();
        }
    }

    private final Map<String, Owed> owed = new LinkedHashMap<>();

    /** From now on the subtask owes a report of {@code version} for all of its key groups. */
    void owe(String catalog, long version, KeyGroupRange own, String checkpointSha256, String weightsSha256) {
        BitSet groups = new BitSet();
        groups.set(own.getStartKeyGroup(), own.getEndKeyGroup() + 1);
        owed.put(catalog, new Owed(version, groups, 0, checkpointSha256, weightsSha256));
    }

    Owed get(String catalog) {
        return owed.get(catalog);
    }

    /** The report was sent: nothing more is owed for the catalog until its next version. */
    Owed settle(String catalog) {
        return owed.remove(catalog);
    }

    /** Items of the catalog were embedded at its owed version. */
    void embedded(String catalog, long version, int items) {
        Owed o = owed.get(catalog);
        if (o != null && o.version == version) {
            o.embedded += items;
        }
    }

    Collection<String> catalogs() {
        return List.copyOf(owed.keySet());
    }

    boolean isEmpty() {
        return owed.isEmpty();
    }

    List<Entry> snapshot() {
        List<Entry> out = new ArrayList<>(owed.size());
        owed.forEach((catalog, o) -> out.add(new Entry(catalog, o.version, o.keyGroupArray(), o.embedded,
                o.checkpointSha256, o.weightsSha256)));
        return out;
    }

    /**
     * Takes the entries of every subtask of the snapshot and keeps the owed key groups within
     * {@code own}. Entries of one catalog and version merge (a scale-in joins key groups that two
     * subtasks owed; their embedded counts add up; a scale-out leaves the count with the subtask of the
     * lowest key group). All subtasks had received the same versions at
     * the checkpoint (the broadcast's barriers align), so one catalog never owes two versions.
     */
    void restore(Iterable<Entry> entries, KeyGroupRange own) {
        for (Entry e : entries) {
            BitSet mine = new BitSet();
            for (int g : e.keyGroups) {
                if (own.contains(g)) {
                    mine.set(g);
                }
            }
            if (mine.isEmpty()) {
                continue;
            }
            // on a scale-out the count goes with the lowest key group, so that no two subtasks count it
            long embedded = own.contains(e.keyGroups[0]) ? e.embedded : 0;
            Owed current = owed.get(e.catalog);
            if (current == null || current.version < e.version) {
                owed.put(e.catalog, new Owed(e.version, mine, embedded, e.checkpointSha256, e.weightsSha256));
            } else if (current.version == e.version) {
                current.keyGroups.or(mine);
                current.embedded += embedded;
            }
        }
    }
}
