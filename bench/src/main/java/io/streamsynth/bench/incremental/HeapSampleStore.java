package io.streamsynth.bench.incremental;

import io.streamsynth.operators.batch.ClassSlots;
import io.streamsynth.operators.batch.SampleStore;
import java.util.HashMap;
import java.util.Map;

/**
 * The batch builder's buffers on the heap, for driving {@link io.streamsynth.operators.batch.CatalogBuffers}
 * without Flink: the same decisions as the job's keyed state, none of its persistence.
 */
public final class HeapSampleStore implements SampleStore {
    private final Map<String, ClassSlots> slots = new HashMap<>();
    private final Map<String, byte[]> pixels = new HashMap<>();
    private final Map<String, SlotRef> items = new HashMap<>();

    @Override
    public ClassSlots slots(String label) {
        return slots.get(label);
    }

    @Override
    public void putSlots(String label, ClassSlots value) {
        slots.put(label, value);
    }

    @Override
    public void removeSlots(String label) {
        slots.remove(label);
    }

    @Override
    public byte[] pixels(String label, int slot) {
        return pixels.get(key(label, slot));
    }

    @Override
    public void putPixels(String label, int slot, byte[] value) {
        pixels.put(key(label, slot), value);
    }

    @Override
    public void removePixels(String label, int slot) {
        pixels.remove(key(label, slot));
    }

    @Override
    public SlotRef itemSlot(String itemId) {
        return items.get(itemId);
    }

    @Override
    public void putItemSlot(String itemId, SlotRef where) {
        items.put(itemId, where);
    }

    @Override
    public void removeItemSlot(String itemId) {
        items.remove(itemId);
    }

    private static String key(String label, int slot) {
        return label + '\u0000' + slot;
    }
}
