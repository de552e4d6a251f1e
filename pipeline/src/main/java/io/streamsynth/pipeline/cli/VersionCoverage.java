package io.streamsynth.pipeline.cli;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which model versions each item has reached on the embeddings topic, and so which versions are
 * complete: a version is complete when every item read has an embedding at it. Until the embedder
 * announces complete versions itself, this is how {@code evaluate} and the quickstart avoid scoring
 * a version that only part of the items reached: a read_committed reader stops at a partition's
 * open transaction, and a re-embedding pass publishes a version item by item.
 *
 * <p>Keeps, per item and version, where the item's last record of that version lies (a
 * re-published record replaces the earlier one), not the vectors: one pass finds the version, a
 * second reads just its records.
 */
final class VersionCoverage {
    /** Where a record lies on the topic. */
    record Position(int partition, long offset) {}

    /** The version chosen and why, in one sentence for the user. */
    record Choice(long version, int covered, int items, String reason) {
        boolean complete() {
            return covered == items;
        }
    }

    private final Map<String, Map<Long, Position>> byItem = new HashMap<>();
    private final TreeMap<Long, Integer> itemsPerVersion = new TreeMap<>();

    /** An item reached a version; where its record lies is not needed (it is at hand already). */
    void add(String item, long version) {
        add(item, version, null);
    }

    void add(String item, long version, Position position) {
        Map<Long, Position> versions = byItem.computeIfAbsent(item, i -> new HashMap<>());
        boolean seen = versions.containsKey(version);
        versions.put(version, position);
        if (!seen) {
            itemsPerVersion.merge(version, 1, Integer::sum);
        }
    }

    /** A tombstone: the item was deleted, so no version needs it any more (a later record starts anew). */
    void remove(String item) {
        Map<Long, Position> versions = byItem.remove(item);
        if (versions != null) {
            for (Long v : versions.keySet()) {
                if (itemsPerVersion.merge(v, -1, Integer::sum) == 0) {
                    itemsPerVersion.remove(v);
                }
            }
        }
    }

    int items() {
        return byItem.size();
    }

    int itemsAt(long version) {
        return itemsPerVersion.getOrDefault(version, 0);
    }

    OptionalLong newest() {
        return itemsPerVersion.isEmpty() ? OptionalLong.empty() : OptionalLong.of(itemsPerVersion.lastKey());
    }

    /** The newest version every one of {@code expected} items has. */
    OptionalLong newestComplete(int expected) {
        for (Map.Entry<Long, Integer> e : itemsPerVersion.descendingMap().entrySet()) {
            if (e.getValue() >= expected) {
                return OptionalLong.of(e.getKey());
            }
        }
        return OptionalLong.empty();
    }

    /** Per partition, the offsets of the records that hold {@code version}. */
    Map<Integer, SortedSet<Long>> positionsAt(long version) {
        Map<Integer, SortedSet<Long>> out = new TreeMap<>();
        for (Map<Long, Position> versions : byItem.values()) {
            Position p = versions.get(version);
            if (p != null) {
                out.computeIfAbsent(p.partition(), k -> new TreeSet<>()).add(p.offset());
            }
        }
        return out;
    }

    /**
     * The version to report: the one asked for, or else the newest complete one; a partial one
     * only with {@code allowPartial}.
     *
     * @param what       what the items are, for messages, e.g. "labelled items of catalog 'fashion'"
     * @throws IllegalArgumentException naming --version and --allow-partial when the choice is partial
     */
    Choice choose(Long requested, boolean allowPartial, String what) {
        int items = items();
        if (items == 0) {
            throw new IllegalArgumentException("found no " + what);
        }
        OptionalLong complete = newestComplete(items);
        long newest = newest().getAsLong();
        if (requested != null) {
            int covered = itemsAt(requested);
            if (covered == 0) {
                throw new IllegalArgumentException("no " + what + " at version " + requested + " (versions read: "
                        + itemsPerVersion.firstKey() + " to " + newest + ")");
            }
            if (covered == items) {
                return new Choice(requested, covered, items, "version " + requested + " as asked (--version): all "
                        + items + " " + what + " have it");
            }
            if (!allowPartial) {
                throw new IllegalArgumentException("version " + requested + " is incomplete: " + covered + " of "
                        + items + " " + what + " have it (an open transaction or a running re-embedding pass holds "
                        + "back the others); " + (complete.isPresent() ? "the newest complete version is "
                        + complete.getAsLong() : "no version is complete") + "; pass --allow-partial to score "
                        + covered + " items anyway");
            }
            return new Choice(requested, covered, items, "version " + requested + " as asked, partial "
                    + "(--allow-partial): " + covered + " of " + items + " " + what + " have it");
        }
        if (complete.isPresent()) {
            long v = complete.getAsLong();
            String newer = v == newest ? "it is also the newest" : "the newest, " + newest + ", has only "
                    + itemsAt(newest) + " of them so far (--version " + newest + " --allow-partial scores it anyway)";
            return new Choice(v, items, items, "version " + v + ", the newest that all " + items + " " + what
                    + " have; " + newer);
        }
        if (!allowPartial) {
            throw new IllegalArgumentException("no version is complete: the newest, " + newest + ", has "
                    + itemsAt(newest) + " of " + items + " " + what + " and no older one has all of them; pass "
                    + "--allow-partial to score it anyway");
        }
        return new Choice(newest, itemsAt(newest), items, "version " + newest + ", the newest, partial "
                + "(--allow-partial): " + itemsAt(newest) + " of " + items + " " + what + " have it");
    }
}
