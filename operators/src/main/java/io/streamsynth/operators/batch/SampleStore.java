package io.streamsynth.operators.batch;

/**
 * Where one catalog's buffered samples live: the bookkeeping of each class, the pixels of each
 * slot and the slot of each item, as separate entries so that an event touches only its own class,
 * slot and item. In the job this
 * is Flink keyed state ({@link StateSampleStore}); tests use a map.
 */
public interface SampleStore {
    /** The class's slots, or null if the class is not buffered. */
    ClassSlots slots(String label) throws Exception;

    void putSlots(String label, ClassSlots slots) throws Exception;

    void removeSlots(String label) throws Exception;

    byte[] pixels(String label, int slot) throws Exception;

    void putPixels(String label, int slot, byte[] pixels) throws Exception;

    void removePixels(String label, int slot) throws Exception;

    /** Where the item's buffered sample is, or null if the item has none. */
    SlotRef itemSlot(String itemId) throws Exception;

    void putItemSlot(String itemId, SlotRef where) throws Exception;

    void removeItemSlot(String itemId) throws Exception;

    /** One buffered sample's place: its class and slot. */
    record SlotRef(String label, int slot) {}
}
