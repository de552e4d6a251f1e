package io.streamsynth.operators.batch;

import io.streamsynth.model.image.StoredImage;
import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.TrainerInput;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Buffers one catalog's training samples and builds its batches: keeps the index and the store in
 * step, evicts classes, and carries out the decisions of {@link BatchComposer}. Plain Java over a
 * {@link SampleStore}, so the Flink operator only has to keep the index.
 *
 * <p>Samples are kept as the decoder stored them (raw bytes or a JPEG of the S x S square, see
 * {@link StoredImage}); a batch carries them raw, C x S x S each.
 *
 * <p>State touched per sample: one class's slots (get and put), one pixel entry (put), the item's
 * slot entry (get and put, and a remove for the sample a full ring overwrites); an eviction reads
 * the evicted class's slots and removes its entries; removing an item's sample (a delete or a newer
 * image) moves at most one pixel entry; a batch reads P slots and P*K pixel entries and writes back
 * the P slots it marked trained. The index is the caller's to load and save.
 */
public final class CatalogBuffers {
    private final BatchPolicy policy;
    private final BatchComposer composer;
    private final SampleStore store;

    public CatalogBuffers(BatchPolicy policy, SampleStore store) {
        this.policy = policy;
        this.composer = new BatchComposer(policy);
        this.store = store;
    }

    /**
     * What happened to one sample.
     *
     * @param replaced an earlier sample of the same item left the buffers
     */
    public record Outcome(boolean buffered, String rejection, int evictedClasses, TrainerInput batch,
            boolean replaced) {
        public Outcome(boolean buffered, String rejection, int evictedClasses, TrainerInput batch) {
            this(buffered, rejection, evictedClasses, batch, false);
        }

        static Outcome rejected(String why) {
            return new Outcome(false, why, 0, null);
        }

        Outcome replacing() {
            return new Outcome(buffered, rejection, evictedClasses, batch, true);
        }
    }

    /**
     * Buffers a training sample of this catalog and returns the batch it completes, if any. An
     * earlier sample of the same item leaves the buffers first, whatever becomes of this one: the
     * newest image of an item is the only one trained on.
     */
    public Outcome add(String catalog, CatalogIndex index, ImageSample sample) throws Exception {
        boolean replaced = sample.itemId != null && remove(index, sample.itemId);
        Outcome outcome = buffer(catalog, index, sample);
        return replaced ? outcome.replacing() : outcome;
    }

    /**
     * Removes the item's buffered sample, if it has one (a delete, a new image, or an item that is no
     * longer trained on). The class's newest sample moves into the freed slot (see
     * {@link ClassSlots#remove}); a class left empty leaves the index.
     *
     * @return whether the item had a buffered sample
     */
    public boolean remove(CatalogIndex index, String itemId) throws Exception {
        SampleStore.SlotRef where = store.itemSlot(itemId);
        if (where == null) {
            return false;
        }
        store.removeItemSlot(itemId);
        ClassSummary summary = index.find(where.label());
        ClassSlots slots = summary == null ? null : store.slots(where.label());
        if (slots == null || !itemId.equals(slots.itemAt(where.slot()))) {
            return false; // a stale entry: the sample was overwritten or its class evicted already
        }
        int moved = slots.remove(where.slot());
        if (moved >= 0) {
            store.putPixels(where.label(), where.slot(), store.pixels(where.label(), moved));
            store.removePixels(where.label(), moved);
            String movedItem = slots.itemAt(where.slot());
            if (movedItem != null) {
                store.putItemSlot(movedItem, where);
            }
        } else {
            store.removePixels(where.label(), where.slot());
        }
        if (slots.size == 0) {
            store.removeSlots(where.label());
            index.remove(where.label());
        } else {
            store.putSlots(where.label(), slots);
            summary.mirror(slots);
        }
        return true;
    }

    private Outcome buffer(String catalog, CatalogIndex index, ImageSample sample) throws Exception {
        String problem = problemWith(index, sample);
        if (problem != null) {
            return Outcome.rejected(problem);
        }
        if (!index.hasShape()) {
            index.setShape(sample.channels, sample.height, sample.width);
        }

        int evicted = 0;
        ClassSummary summary = index.find(sample.label);
        ClassSlots slots;
        if (summary == null) {
            if (index.classCount() >= policy.maxClasses()) {
                evict(index, index.leastRecentlyUpdated());
                evicted++;
            }
            summary = index.add(sample.label);
            slots = ClassSlots.withCapacity(policy.maxSamplesPerClass());
        } else {
            slots = loadSlots(summary.label);
        }
        String displaced = slots.displacedByNextAppend();
        int slot = slots.append(sample.ingestTime, sample.itemId);
        if (displaced != null) {
            store.removeItemSlot(displaced);
        }
        store.putPixels(sample.label, slot, sample.pixels);
        if (sample.itemId != null) {
            store.putItemSlot(sample.itemId, new SampleStore.SlotRef(sample.label, slot));
        }
        index.touch(summary);
        summary.mirror(slots);

        // Slots read for this event, written back once at the end even if the batch changed them too.
        Map<String, ClassSlots> touched = new LinkedHashMap<>();
        touched.put(sample.label, slots);
        TrainerInput batch = composer.isDue(index) ? build(catalog, index, touched) : null;
        for (Map.Entry<String, ClassSlots> entry : touched.entrySet()) {
            store.putSlots(entry.getKey(), entry.getValue());
        }
        return new Outcome(true, null, evicted, batch);
    }

    private TrainerInput build(String catalog, CatalogIndex index, Map<String, ClassSlots> touched)
            throws Exception {
        Random random = BatchComposer.randomFor(policy.seed(), catalog, index.batches);
        index.batches++;
        List<ClassSummary> chosen = composer.pickClasses(index.classes, random);
        int k = policy.samplesPerClass();
        int sampleBytes = index.sampleBytes();
        String[] labels = new String[chosen.size() * k];
        byte[] pixels = new byte[labels.length * sampleBytes];
        int n = 0;
        int freshCount = 0;
        long oldestFresh = Long.MAX_VALUE;
        long[] freshTimes = new long[labels.length];
        for (ClassSummary summary : chosen) {
            ClassSlots slots = touched.get(summary.label);
            if (slots == null) {
                slots = loadSlots(summary.label);
                touched.put(summary.label, slots);
            }
            SlotPick pick = composer.pickSlots(slots, random);
            for (int slot : pick.slots()) {
                byte[] samplePixels = pixelsOf(index, summary.label, slot);
                System.arraycopy(samplePixels, 0, pixels, n * sampleBytes, sampleBytes);
                labels[n++] = summary.label;
            }
            for (int i = 0; i < pick.freshTaken(); i++) {
                freshTimes[freshCount + i] = slots.ingestTimeOf(pick.slots()[i]);
                slots.markTrained(pick.slots()[i]);
            }
            summary.mirror(slots);
            freshCount += pick.freshTaken();
            oldestFresh = Math.min(oldestFresh, pick.oldestFreshIngestTime());
        }
        return TrainerInputs.batch(catalog, index, labels, pixels, freshCount, oldestFresh,
                Arrays.copyOf(freshTimes, freshCount), index.batches - 1);
    }

    /** A slot's stored image back as raw C x H x W bytes (stored samples may be JPEGs). */
    private byte[] pixelsOf(CatalogIndex index, String label, int slot) throws Exception {
        byte[] stored = store.pixels(label, slot);
        if (stored == null) {
            throw new IllegalStateException("pixels of class '" + label + "' slot " + slot + " are missing");
        }
        try {
            return StoredImage.decode(stored, index.channels, index.height, index.width).pixels();
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("pixels of class '" + label + "' slot " + slot + " are not a stored "
                    + shape(index.channels, index.height, index.width) + " image: " + e.getMessage(), e);
        }
    }

    /**
     * Drops every buffered sample of the catalog and forgets its image shape: its settings now store
     * images of another shape, and a batch is one tensor. Counters (batches, sequence) go on.
     *
     * @return the samples dropped
     */
    public long clear(CatalogIndex index) throws Exception {
        long dropped = index.bufferedSamples();
        for (ClassSummary summary : index.classes.clone()) {
            evict(index, summary);
        }
        index.setShape(0, 0, 0);
        return dropped;
    }

    private void evict(CatalogIndex index, ClassSummary victim) throws Exception {
        ClassSlots slots = loadSlots(victim.label);
        for (int i = 0; i < slots.size; i++) {
            int slot = slots.newest(i);
            store.removePixels(victim.label, slot);
            String item = slots.itemAt(slot);
            if (item != null) {
                store.removeItemSlot(item);
            }
        }
        store.removeSlots(victim.label);
        index.remove(victim.label);
    }

    private ClassSlots loadSlots(String label) throws Exception {
        ClassSlots slots = store.slots(label);
        if (slots == null) {
            throw new IllegalStateException("class '" + label + "' is in the index but has no slots in state");
        }
        return slots;
    }

    /** Why a sample cannot be buffered, or null if it can. */
    private static String problemWith(CatalogIndex index, ImageSample sample) {
        if (sample.label == null) {
            return "missing label";
        }
        if (sample.channels <= 0 || sample.height <= 0 || sample.width <= 0
                || !StoredImage.looksStored(sample.pixels, sample.channels, sample.height, sample.width)) {
            return "pixels are no stored image of shape " + shape(sample.channels, sample.height, sample.width);
        }
        if (index.hasShape() && !index.hasShape(sample.channels, sample.height, sample.width)) {
            // A batch is one tensor, so every sample of a catalog must have the catalog's shape.
            return "shape " + shape(sample.channels, sample.height, sample.width) + " differs from the catalog's "
                    + shape(index.channels, index.height, index.width);
        }
        return null;
    }

    private static String shape(int c, int h, int w) {
        return c + "x" + h + "x" + w;
    }
}
