package io.streamsynth.operators.batch;

import org.apache.flink.api.common.state.MapState;

/**
 * A {@link SampleStore} on Flink keyed state, scoped to the current catalog key. Pixels are one
 * map entry per (class, slot), so with RocksDB an event writes one image, never a class's buffer.
 */
final class StateSampleStore implements SampleStore {
    private final MapState<String, ClassSlots> slots;
    private final MapState<String, byte[]> pixels;
    private final MapState<String, String> itemSlots;

    StateSampleStore(MapState<String, ClassSlots> slots, MapState<String, byte[]> pixels,
            MapState<String, String> itemSlots) {
        this.slots = slots;
        this.pixels = pixels;
        this.itemSlots = itemSlots;
    }

    /**
     * The pixel entry's key. The slot number never contains '\u0000', so the last '\u0000' splits
     * the key back into label and slot: two different (label, slot) pairs never share a key.
     */
    static String pixelKey(String label, int slot) {
        return label + '\u0000' + slot;
    }

    @Override
    public ClassSlots slots(String label) throws Exception {
        return slots.get(label);
    }

    @Override
    public void putSlots(String label, ClassSlots value) throws Exception {
        slots.put(label, value);
    }

    @Override
    public void removeSlots(String label) throws Exception {
        slots.remove(label);
    }

    @Override
    public byte[] pixels(String label, int slot) throws Exception {
        return pixels.get(pixelKey(label, slot));
    }

    @Override
    public void putPixels(String label, int slot, byte[] value) throws Exception {
        pixels.put(pixelKey(label, slot), value);
    }

    @Override
    public void removePixels(String label, int slot) throws Exception {
        pixels.remove(pixelKey(label, slot));
    }

    @Override
    public SlotRef itemSlot(String itemId) throws Exception {
        String where = itemSlots.get(itemId);
        if (where == null) {
            return null;
        }
        int split = where.lastIndexOf('\u0000');
        return new SlotRef(where.substring(0, split), Integer.parseInt(where.substring(split + 1)));
    }

    @Override
    public void putItemSlot(String itemId, SlotRef where) throws Exception {
        itemSlots.put(itemId, pixelKey(where.label(), where.slot()));
    }

    @Override
    public void removeItemSlot(String itemId) throws Exception {
        itemSlots.remove(itemId);
    }
}
