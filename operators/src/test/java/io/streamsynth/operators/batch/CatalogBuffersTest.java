package io.streamsynth.operators.batch;

import static io.streamsynth.operators.batch.TestSamples.train;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.TrainerInput;
import org.junit.jupiter.api.Test;

class CatalogBuffersTest {
    private final MapSampleStore store = new MapSampleStore();
    private final CatalogIndex index = new CatalogIndex();

    private CatalogBuffers.Outcome add(CatalogBuffers buffers, String label, int id) throws Exception {
        return buffers.add("cat", index, train("cat", label, id));
    }

    @Test
    void aSampleOfAKnownClassTouchesOnlyItsClassSlotsAndOneImage() throws Exception {
        CatalogBuffers buffers = new CatalogBuffers(new BatchPolicy(2, 2, 64, 10, 100, 1L), store);
        add(buffers, "a", 1);
        add(buffers, "b", 2);
        store.resetCounts();

        add(buffers, "a", 3);

        assertThat(store.slotGets).isEqualTo(1);
        assertThat(store.slotPuts).isEqualTo(1);
        assertThat(store.pixelPuts).isEqualTo(1);
        assertThat(store.pixelGets + store.pixelRemoves + store.slotRemoves).isZero();
    }

    @Test
    void aBatchReadsPTimesKImagesAndWritesBackTheClassesItTrained() throws Exception {
        CatalogBuffers buffers = new CatalogBuffers(new BatchPolicy(2, 2, 64, 10, 4, 1L), store);
        add(buffers, "a", 1);
        add(buffers, "a", 2);
        add(buffers, "b", 3);
        store.resetCounts();

        CatalogBuffers.Outcome outcome = add(buffers, "b", 4);

        assertThat(outcome.batch()).isNotNull();
        assertThat(store.pixelGets).isEqualTo(4);
        assertThat(store.slotGets).isEqualTo(2);
        assertThat(store.slotPuts).isEqualTo(2);
        assertThat(store.slots.get("a").freshCount).isZero();
        assertThat(store.slots.get("b").freshCount).isZero();
        assertThat(index.find("a").freshCount).isZero();
    }

    @Test
    void aBatchCarriesThePixelsOfTheSamplesItLabels() throws Exception {
        CatalogBuffers buffers = new CatalogBuffers(new BatchPolicy(2, 2, 64, 10, 4, 1L), store);
        add(buffers, "a", 1);
        add(buffers, "b", 20);
        add(buffers, "a", 2);

        TrainerInput batch = add(buffers, "b", 21).batch();

        assertThat(batch.labels).containsExactly("b", "b", "a", "a");
        assertThat(TestSamples.ids(batch)).containsExactly(21, 20, 2, 1);
        assertThat(batch.freshCount).isEqualTo(4);
        assertThat(batch.oldestFreshIngestTime).isEqualTo(1_001L);
        assertThat(batch.freshIngestTimes).as("one ingest time per fresh sample, for freshness")
                .containsExactly(1_021L, 1_020L, 1_002L, 1_001L);
        assertThat(batch.pixels).hasSize(4 * TestSamples.BYTES);
    }

    @Test
    void evictingAClassRemovesItsSlotsAndEveryImage() throws Exception {
        CatalogBuffers buffers = new CatalogBuffers(new BatchPolicy(2, 2, 4, 2, 8, 1L), store);
        for (int id = 0; id < 6; id++) {
            add(buffers, "a", id);
        }
        add(buffers, "b", 10);

        CatalogBuffers.Outcome outcome = add(buffers, "c", 20);

        assertThat(outcome.evictedClasses()).isEqualTo(1);
        assertThat(index.find("a")).isNull();
        assertThat(store.slots).containsOnlyKeys("b", "c");
        assertThat(store.pixels).hasSize(2);
    }

    @Test
    void evictsTheClassLeastRecentlyUpdatedNotTheFirstCreated() throws Exception {
        CatalogBuffers buffers = new CatalogBuffers(new BatchPolicy(2, 2, 4, 2, 8, 1L), store);
        add(buffers, "a", 1);
        add(buffers, "b", 2);
        add(buffers, "a", 3);

        add(buffers, "c", 4);

        assertThat(index.find("b")).isNull();
        assertThat(index.find("a")).isNotNull();
    }

    @Test
    void aSampleOfAnotherShapeIsRejectedAndChangesNothing() throws Exception {
        CatalogBuffers buffers = new CatalogBuffers(new BatchPolicy(2, 2, 4, 2, 8, 1L), store);
        add(buffers, "a", 1);
        ImageSample wide = train("cat", "a", 2);
        wide.width = 8;
        wide.pixels = new byte[32];

        CatalogBuffers.Outcome outcome = buffers.add("cat", index, wide);

        assertThat(outcome.buffered()).isFalse();
        assertThat(outcome.rejection()).contains("1x4x8").contains("1x4x4");
        assertThat(index.find("a").size).isEqualTo(1);
        assertThat(store.pixels).hasSize(1);
    }

    @Test
    void aSampleWhosePixelsDoNotMatchItsShapeIsRejected() throws Exception {
        CatalogBuffers buffers = new CatalogBuffers(new BatchPolicy(2, 2, 4, 2, 8, 1L), store);
        ImageSample broken = train("cat", "a", 1);
        broken.pixels = new byte[3];

        CatalogBuffers.Outcome outcome = buffers.add("cat", index, broken);

        assertThat(outcome.buffered()).isFalse();
        assertThat(index.hasShape()).isFalse();
        assertThat(store.pixels).isEmpty();
    }

    /** The sample of item-{id} under another label: the item's id, new pixels (id + 1000). */
    private static ImageSample update(String label, int id) {
        ImageSample s = train("cat", label, id + 1000);
        s.itemId = "item-" + id;
        return s;
    }

    /** Every item entry points at a slot that holds that item's pixels, and every held sample has one. */
    private void assertItemsMatchTheirSlots() {
        long held = 0;
        for (ClassSummary summary : index.classes) {
            ClassSlots slots = store.slots.get(summary.label);
            assertThat(slots.size).isEqualTo(summary.size);
            assertThat(slots.freshCount).isEqualTo(summary.freshCount);
            held += slots.size;
            for (int i = 0; i < slots.size; i++) {
                int slot = slots.newest(i);
                String item = slots.itemAt(slot);
                assertThat(store.itemSlots.get(item)).as("where %s is", item)
                        .isEqualTo(new SampleStore.SlotRef(summary.label, slot));
                int pixelsId = TestSamples.ids(batchOf(store.pixels.get(StateSampleStore.pixelKey(summary.label, slot))))
                        .get(0) % 1000;
                assertThat("item-" + pixelsId).as("pixels in %s slot %d", summary.label, slot).isEqualTo(item);
            }
        }
        assertThat(store.itemSlots).hasSize((int) held);
        assertThat(store.pixels).hasSize((int) held);
    }

    private static TrainerInput batchOf(byte[] pixels) {
        TrainerInput in = new TrainerInput();
        in.labels = new String[] {"x"};
        in.pixels = pixels;
        return in;
    }

    @Test
    void aNewImageOfAnItemReplacesItsSampleEvenInAnotherClass() throws Exception {
        CatalogBuffers buffers = new CatalogBuffers(new BatchPolicy(2, 2, 4, 10, 40, 1L), store);
        add(buffers, "a", 1);
        add(buffers, "a", 2);
        add(buffers, "a", 3);

        CatalogBuffers.Outcome outcome = buffers.add("cat", index, update("b", 1));

        assertThat(outcome.replaced()).isTrue();
        assertThat(index.find("a").size).isEqualTo(2);
        assertThat(index.find("b").size).isEqualTo(1);
        assertThat(store.itemSlots.get("item-1")).isEqualTo(new SampleStore.SlotRef("b", 0));
        assertItemsMatchTheirSlots();
    }

    @Test
    void removingAnItemFreesItsSlotAndAnEmptyClassLeavesTheIndex() throws Exception {
        CatalogBuffers buffers = new CatalogBuffers(new BatchPolicy(2, 2, 4, 10, 40, 1L), store);
        add(buffers, "a", 1);
        add(buffers, "a", 2);
        add(buffers, "b", 3);

        assertThat(buffers.remove(index, "item-1")).isTrue();
        assertThat(buffers.remove(index, "item-1")).as("gone already").isFalse();
        assertThat(buffers.remove(index, "item-7")).as("never buffered").isFalse();
        assertItemsMatchTheirSlots();
        assertThat(buffers.remove(index, "item-3")).isTrue();

        assertThat(index.find("b")).isNull();
        assertThat(store.slots).containsOnlyKeys("a");
        assertItemsMatchTheirSlots();
    }

    @Test
    void overwritesEvictionsUpdatesAndRemovalsKeepEveryItemAtItsSample() throws Exception {
        CatalogBuffers buffers = new CatalogBuffers(new BatchPolicy(2, 2, 5, 3, 3, 1L), store);
        java.util.Random random = new java.util.Random(12);
        for (int step = 0; step < 3000; step++) {
            int id = random.nextInt(40);
            String label = "c" + random.nextInt(5);
            int op = random.nextInt(10);
            if (op < 2) {
                buffers.remove(index, "item-" + id);
            } else if (op < 5) {
                buffers.add("cat", index, update(label, id));
            } else {
                buffers.add("cat", index, train("cat", label, id));
            }
            assertItemsMatchTheirSlots();
        }
    }
}
