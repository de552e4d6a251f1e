package io.streamsynth.operators.dedup;

import java.util.Arrays;

/**
 * The event ids one item received recently, oldest first, with when each was first seen. A Flink
 * POJO (public fields, no-argument constructor) so that state uses Flink's own serializer.
 */
public class RecentEventIds {
    public String[] ids = new String[0];
    public long[] seenAt = new long[0];

    public RecentEventIds() {}

    /**
     * Records {@code id} as seen at {@code now} unless it was already seen within the retention.
     * Ids older than the retention are forgotten; beyond {@code idsPerItem} the oldest are.
     *
     * @return true when the id is new (the event is a first), false for a duplicate
     */
    public boolean remember(String id, long now, DuplicateSettings settings) {
        long oldestKept = now - settings.retention().toMillis();
        int first = 0;
        while (first < ids.length && seenAt[first] <= oldestKept) {
            first++;
        }
        for (int i = first; i < ids.length; i++) {
            if (ids[i].equals(id)) {
                dropOldest(first);
                return false;
            }
        }
        int kept = Math.min(ids.length - first, settings.idsPerItem() - 1);
        int from = ids.length - kept;
        String[] newIds = Arrays.copyOf(Arrays.copyOfRange(ids, from, ids.length), kept + 1);
        long[] newSeenAt = Arrays.copyOf(Arrays.copyOfRange(seenAt, from, ids.length), kept + 1);
        newIds[kept] = id;
        newSeenAt[kept] = now;
        ids = newIds;
        seenAt = newSeenAt;
        return true;
    }

    public int size() {
        return ids.length;
    }

    private void dropOldest(int count) {
        if (count > 0) {
            ids = Arrays.copyOfRange(ids, count, ids.length);
            seenAt = Arrays.copyOfRange(seenAt, count, seenAt.length);
        }
    }
}
