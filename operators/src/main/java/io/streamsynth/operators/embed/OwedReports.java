package io.streamsynth.operators.embed;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
    /** Restored reports of versions older than the catalog's newest owed one, by catalog; see {@link #restore}. */
    private final Map<String, TreeMap<Long, Owed>> older = new LinkedHashMap<>();
    /** Per catalog, reports whose passes a newer version cut on restore, not yet reported; see {@link #cutBelow}. */
    private final Map<String, List<Owed>> cut = new LinkedHashMap<>();

    /** From now on the subtask owes a report of {@code version} for all of its key groups. */
    void owe(String catalog, long version, KeyGroupRange own, String checkpointSha256, String weightsSha256) {
        owed.put(catalog, new Owed(version, SubtaskKeys.bits(own), 0, checkpointSha256, weightsSha256));
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
        return owed.isEmpty() && cut.isEmpty() && older.isEmpty();
    }

    List<Entry> snapshot() {
        List<Entry> out = new ArrayList<>(owed.size());
        cut.forEach((catalog, versions) -> versions.forEach(o -> out.add(entry(catalog, o))));
        older.forEach((catalog, versions) -> versions.values().forEach(o -> out.add(entry(catalog, o))));
        owed.forEach((catalog, o) -> out.add(entry(catalog, o)));
        return out;
    }

    private static Entry entry(String catalog, Owed o) {
        return new Entry(catalog, o.version, o.keyGroupArray(), o.embedded, o.checkpointSha256, o.weightsSha256);
    }

    /**
     * Takes the entries of every subtask of the snapshot and keeps the owed key groups within
     * {@code own}. Entries of one catalog and version merge (a scale-in joins key groups that two
     * subtasks owed; their embedded counts add up; a scale-out leaves the count with the subtask of the
     * lowest key group). All subtasks had received the same versions at the checkpoint (the broadcast's
     * barriers align), but under pacing they may have served different ones, so one catalog may owe
     * several versions here: the newest stays owed, the older wait for {@link #cutBelow}.
     */
    void restore(Iterable<Entry> entries, KeyGroupRange own) {
        Map<String, TreeMap<Long, Owed>> restored = new LinkedHashMap<>();
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
            TreeMap<Long, Owed> versions = restored.computeIfAbsent(e.catalog, c -> new TreeMap<>());
            Owed current = versions.get(e.version);
            if (current == null) {
                versions.put(e.version, new Owed(e.version, mine, embedded, e.checkpointSha256, e.weightsSha256));
            } else {
                current.keyGroups.or(mine);
                current.embedded += embedded;
            }
        }
        restored.forEach((catalog, versions) -> {
            owed.put(catalog, versions.pollLastEntry().getValue());
            if (!versions.isEmpty()) {
                older.put(catalog, versions);
            }
        });
    }

    /**
     * Moves the catalog's owed reports of versions below {@code version} to the cut ones ({@link #takeCut}):
     * a newer version now serves their key groups, so their passes were cut short. Until taken they stay
     * in the snapshot, and a restore cuts them again.
     */
    void cutBelow(String catalog, long version) {
        List<Owed> cutHere = new ArrayList<>();
        TreeMap<Long, Owed> versions = older.remove(catalog);
        if (versions != null) {
            cutHere.addAll(versions.values());
        }
        Owed newest = owed.get(catalog);
        if (newest != null && newest.version < version) {
            cutHere.add(owed.remove(catalog));
        }
        if (!cutHere.isEmpty()) {
            cut.computeIfAbsent(catalog, c -> new ArrayList<>()).addAll(cutHere);
        }
    }

    /** The cut reports (oldest first per catalog), to be reported superseded; none remain. */
    Map<String, List<Owed>> takeCut() {
        Map<String, List<Owed>> taken = new LinkedHashMap<>(cut);
        cut.clear();
        return taken;
    }

    boolean hasCut() {
        return !cut.isEmpty();
    }

    /**
     * The subtask owes a report of {@code version} for {@code groups} too: merged into the catalog's owed
     * report of that version, or the catalog's first owed report; an owed older version is cut. A newer owed
     * version is left as it is: only a checkpoint whose subtasks had not all received the same releases (not
     * aligned) gets there, the newer release comes again from the replayed input, and its pass covers every
     * key group.
     */
    void oweAlso(String catalog, long version, BitSet groups, String checkpointSha256, String weightsSha256) {
        cutBelow(catalog, version);
        Owed current = owed.get(catalog);
        if (current == null) {
            owed.put(catalog, new Owed(version, (BitSet) groups.clone(), 0, checkpointSha256, weightsSha256));
        } else if (current.version == version) {
            current.keyGroups.or(groups);
        }
    }
}
