package io.streamsynth.operators.batch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClassSlotsTest {

    @Test
    void fillsSlotsInOrderThenOverwritesTheOldest() {
        ClassSlots slots = ClassSlots.withCapacity(3);

        assertThat(new int[] {slots.append(10), slots.append(11), slots.append(12), slots.append(13), slots.append(14)})
                .containsExactly(0, 1, 2, 0, 1);
        assertThat(slots.size).isEqualTo(3);
        assertThat(slots.ingestTimeOf(0)).isEqualTo(13);
        assertThat(slots.ingestTimeOf(2)).isEqualTo(12);
    }

    @Test
    void newestWalksBackFromTheLatestSampleAcrossTheWrap() {
        ClassSlots slots = ClassSlots.withCapacity(3);
        for (int t = 0; t < 4; t++) {
            slots.append(t);
        }

        assertThat(new int[] {slots.newest(0), slots.newest(1), slots.newest(2)}).containsExactly(0, 2, 1);
    }

    @Test
    void overwritingAnUntrainedSampleLosesItButNeverCountsMoreFreshThanHeld() {
        ClassSlots slots = ClassSlots.withCapacity(2);
        for (int t = 0; t < 5; t++) {
            slots.append(t);
        }

        assertThat(slots.freshCount).isEqualTo(2);
    }

    @Test
    void trainingASampleClearsItsFreshnessOnce() {
        ClassSlots slots = ClassSlots.withCapacity(4);
        int slot = slots.append(1);
        slots.append(2);

        slots.markTrained(slot);
        slots.markTrained(slot);

        assertThat(slots.isFresh(slot)).isFalse();
        assertThat(slots.freshCount).isEqualTo(1);
    }

    @Test
    void overwritingATrainedSlotMakesItFreshAgain() {
        ClassSlots slots = ClassSlots.withCapacity(1);
        slots.markTrained(slots.append(1));

        slots.append(2);

        assertThat(slots.freshCount).isEqualTo(1);
        assertThat(slots.isFresh(0)).isTrue();
    }

    @Test
    void storageGrowsWithTheClassAndNeverBeyondCapacity() {
        ClassSlots slots = ClassSlots.withCapacity(300);
        slots.append(1);
        assertThat(slots.fresh).hasSizeLessThan(300);

        for (int t = 0; t < 1000; t++) {
            slots.append(t);
        }

        assertThat(slots.fresh).hasSize(300);
        assertThat(slots.ingestTime).hasSize(300);
    }

    @Test
    void removingASampleMovesTheNewestIntoItsSlotAndKeepsTheRingWithoutGaps() {
        ClassSlots slots = ClassSlots.withCapacity(4);
        for (int i = 0; i < 6; i++) {
            slots.append(100 + i, "item-" + i); // items 2..5 held; item-5 newest in slot 1
        }
        slots.markTrained(slots.newest(3)); // item-2, the oldest

        int moved = slots.remove(3); // item-3 (slot 3) leaves

        assertThat(moved).as("the newest, item-5, moved out of slot 1").isEqualTo(1);
        assertThat(slots.size).isEqualTo(3);
        assertThat(slots.freshCount).isEqualTo(2);
        assertThat(slots.itemAt(3)).isEqualTo("item-5");
        assertThat(slots.ingestTimeOf(3)).isEqualTo(105);
        java.util.List<String> held = new java.util.ArrayList<>();
        for (int i = 0; i < slots.size; i++) {
            held.add(slots.itemAt(slots.newest(i)));
        }
        assertThat(held).containsExactlyInAnyOrder("item-2", "item-4", "item-5");
        assertThat(slots.displacedByNextAppend()).as("the freed slot is taken next").isNull();
        assertThat(slots.append(200, "item-9")).isEqualTo(1);
        assertThat(slots.size).isEqualTo(4);
        assertThat(slots.displacedByNextAppend()).isEqualTo("item-2");
    }

    @Test
    void removingTheNewestMovesNothing() {
        ClassSlots slots = ClassSlots.withCapacity(4);
        slots.append(1, "a");
        slots.append(2, "b");

        assertThat(slots.remove(1)).isEqualTo(-1);
        assertThat(slots.size).isEqualTo(1);
        assertThat(slots.newest(0)).isZero();
        assertThat(slots.append(3, "c")).isEqualTo(1);
    }
}
