package io.streamsynth.operators.batch;

import java.util.Arrays;

/**
 * The ring buffer bookkeeping of one class: which slots hold a sample, which of those were never
 * trained on (fresh), and when each arrived. The pixels themselves live elsewhere, one state entry
 * per slot, so that this record stays a few bytes per slot.
 *
 * <p>A Flink POJO (public fields, no-arg constructor), stored as one map-state value per class.
 * Slots fill 0, 1, 2, ... up to {@link #capacity}; after that each new sample overwrites the oldest,
 * so a hot class never holds more than {@code capacity} samples.
 */
public class ClassSlots {
    /** Most samples this class keeps (the policy's maxSamplesPerClass when the class was created). */
    public int capacity;
    /** Samples held, at most {@link #capacity}. */
    public int size;
    /** The slot the next sample goes to: the first free slot, or once full the oldest one. */
    public int next;
    /** How many of the held samples are fresh. */
    public int freshCount;
    /** Per slot: never trained on. Grows on demand up to {@link #capacity}, so small classes stay small. */
    public boolean[] fresh;
    /** Per slot: the sample's ingest time (milliseconds since the epoch). */
    public long[] ingestTime;
    /**
     * Per slot: the item id of the sample, so that a delete or a new image of the item can find and
     * remove it. Null in state written before items were tracked (such samples cannot be removed by
     * item, only overwritten or evicted).
     */
    public String[] items;

    public ClassSlots() {}

    public static ClassSlots withCapacity(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        ClassSlots slots = new ClassSlots();
        slots.capacity = capacity;
        slots.fresh = new boolean[0];
        slots.ingestTime = new long[0];
        slots.items = new String[0];
        return slots;
    }

    /**
     * Takes one new fresh sample and returns its slot. When the ring is full this is the oldest
     * slot; if that sample was still fresh it is lost untrained, the price of bounded memory.
     */
    public int append(long sampleIngestTime) {
        return append(sampleIngestTime, null);
    }

    /** As {@link #append(long)}, recording which item the sample is of. */
    public int append(long sampleIngestTime, String itemId) {
        int slot = next;
        ensureLength(slot + 1);
        items[slot] = itemId;
        if (size < capacity) {
            size++;
        } else if (fresh[slot]) {
            freshCount--;
        }
        fresh[slot] = true;
        ingestTime[slot] = sampleIngestTime;
        freshCount++;
        next = (next + 1) % capacity;
        return slot;
    }

    /**
     * The item whose sample the next {@link #append} overwrites, or null when it takes a free slot
     * (or the sample's item is unknown).
     */
    public String displacedByNextAppend() {
        return size < capacity || items == null || next >= items.length ? null : items[next];
    }

    /** The item of the sample in this slot, or null if unknown. */
    public String itemAt(int slot) {
        return items == null || slot >= items.length ? null : items[slot];
    }

    /**
     * Removes the sample in {@code slot} (a held one). The newest sample moves into the freed slot
     * and the ring shrinks by one from its newest end, so the held samples stay the positions
     * {@link #newest}(0..size-1) with no gaps; the moved sample keeps its fresh flag, ingest time
     * and item, but now counts as older than it is in the newest-first order (a delete is rare, and
     * this keeps a removal to one moved pixel entry instead of shifting the ring).
     *
     * @return the slot whose sample moved into {@code slot}, or -1 when {@code slot} was the newest
     *     and nothing moved
     */
    public int remove(int slot) {
        if (slot < 0 || slot >= capacity || size == 0) {
            throw new IndexOutOfBoundsException("slot " + slot + " of a class holding " + size);
        }
        ensureLength(capacity);
        int newestSlot = newest(0);
        if (fresh[slot]) {
            freshCount--;
        }
        int moved = -1;
        if (slot != newestSlot) {
            fresh[slot] = fresh[newestSlot];
            ingestTime[slot] = ingestTime[newestSlot];
            items[slot] = items[newestSlot];
            moved = newestSlot;
        }
        fresh[newestSlot] = false;
        ingestTime[newestSlot] = 0L;
        items[newestSlot] = null;
        size--;
        next = newestSlot;
        return moved;
    }

    /** The i-th newest sample's slot, i = 0 being the newest; i must be below {@link #size}. */
    public int newest(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("sample " + i + " of " + size);
        }
        return Math.floorMod(next - 1 - i, capacity);
    }

    public boolean isFresh(int slot) {
        return fresh[slot];
    }

    public long ingestTimeOf(int slot) {
        return ingestTime[slot];
    }

    /** Records that the sample in this slot has been trained on. */
    public void markTrained(int slot) {
        if (fresh[slot]) {
            fresh[slot] = false;
            freshCount--;
        }
    }

    private void ensureLength(int length) {
        if (items == null) {
            items = new String[fresh.length];
        }
        if (fresh.length < length) {
            // Doubling keeps the copies rare while the class fills; the cap keeps it at capacity.
            int grown = Math.min(capacity, Math.max(length, Math.max(4, fresh.length * 2)));
            fresh = Arrays.copyOf(fresh, grown);
            ingestTime = Arrays.copyOf(ingestTime, grown);
            items = Arrays.copyOf(items, grown);
        }
    }
}
