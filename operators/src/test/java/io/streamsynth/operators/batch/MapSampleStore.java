package io.streamsynth.operators.batch;

import java.util.HashMap;
import java.util.Map;

/** An in-memory {@link SampleStore} that counts its operations, to check what an event costs. */
final class MapSampleStore implements SampleStore {
    final Map<String, ClassSlots> slots = new HashMap<>();
    final Map<String, byte[]> pixels = new HashMap<>();
    final Map<String, SlotRef> itemSlots = new HashMap<>();
    int slotGets;
    int slotPuts;
    int slotRemoves;
    int pixelGets;
    int pixelPuts;
    int pixelRemoves;

    void resetCounts() {
        slotGets = slotPuts = slotRemoves = pixelGets = pixelPuts = pixelRemoves = 0;
    }

    @Override
    public ClassSlots slots(String label) {
        slotGets++;
        return slots.get(label);
    }

    @Override
    public void putSlots(String label, ClassSlots value) {
        slotPuts++;
        slots.put(label, value);
    }

    @Override
    public void removeSlots(String label) {
        slotRemoves++;
        slots.remove(label);
    }

    @Override
    public byte[] pixels(String label, int slot) {
        pixelGets++;
        return pixels.get(StateSampleStore.pixelKey(label, slot));
    }

    @Override
    public void putPixels(String label, int slot, byte[] value) {
        pixelPuts++;
        pixels.put(StateSampleStore.pixelKey(label, slot), value);
    }

    @Override
    public void removePixels(String label, int slot) {
        pixelRemoves++;
        pixels.remove(StateSampleStore.pixelKey(label, slot));
    }

    @Override
    public SlotRef itemSlot(String itemId) {
        return itemSlots.get(itemId);
    }

    @Override
    public void putItemSlot(String itemId, SlotRef where) {
        itemSlots.put(itemId, where);
    }

    @Override
    public void removeItemSlot(String itemId) {
        itemSlots.remove(itemId);
    }
}
