package io.streamsynth.operators.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class BatchComposerTest {
    /** P = 2, K = 3, a batch due at 3 fresh samples. */
    private final BatchComposer composer = new BatchComposer(new BatchPolicy(2, 3, 8, 10, 3, 42L));

    private static ClassSummary summary(String label, int size, int fresh) {
        return new ClassSummary(label, size, fresh, 0L);
    }

    private static CatalogIndex index(ClassSummary... classes) {
        CatalogIndex index = new CatalogIndex();
        index.classes = classes;
        return index;
    }

    private static List<String> labels(List<ClassSummary> classes) {
        return classes.stream().map(c -> c.label).collect(Collectors.toList());
    }

    /** A class of eight slots holding samples ingested at 0..n-1, the first {@code trained} of them trained. */
    private static ClassSlots slots(int n, int trained) {
        ClassSlots slots = ClassSlots.withCapacity(8);
        for (int t = 0; t < n; t++) {
            slots.append(t);
        }
        for (int slot = 0; slot < trained; slot++) {
            slots.markTrained(slot);
        }
        return slots;
    }

    @Test
    void isNotDueUntilPClassesHoldKSamples() {
        assertThat(composer.isDue(index(summary("a", 8, 8), summary("b", 2, 2)))).isFalse();
        assertThat(composer.isDue(index(summary("a", 8, 8), summary("b", 3, 0)))).isTrue();
    }

    @Test
    void freshSamplesOfClassesShortOfKDoNotTriggerABatch() {
        CatalogIndex index = index(summary("a", 5, 1), summary("b", 5, 1), summary("small", 2, 2));

        assertThat(composer.isDue(index)).isFalse();
    }

    @Test
    void isDueOnceEligibleClassesHoldFreshPerBatchFreshSamples() {
        assertThat(composer.isDue(index(summary("a", 5, 2), summary("b", 5, 0)))).isFalse();
        assertThat(composer.isDue(index(summary("a", 5, 2), summary("b", 5, 1)))).isTrue();
    }

    @Test
    void picksTheEligibleClassesWithTheMostFreshSamplesMostFirst() {
        ClassSummary[] classes = {summary("a", 5, 1), summary("b", 6, 4), summary("c", 3, 3), summary("d", 3, 0)};

        assertThat(labels(composer.pickClasses(classes, new Random(1)))).containsExactly("b", "c");
    }

    @Test
    void neverPicksAClassShortOfKWhateverItsFreshSamples() {
        ClassSummary[] classes = {summary("a", 3, 0), summary("small", 2, 2), summary("b", 3, 0)};

        assertThat(labels(composer.pickClasses(classes, new Random(1)))).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void breaksTiesTheSameWayForTheSameSeedAndBatchNumber() {
        ClassSummary[] classes = {summary("a", 4, 1), summary("b", 4, 1), summary("c", 4, 1), summary("d", 4, 1)};

        for (long batch = 0; batch < 20; batch++) {
            List<String> first = labels(composer.pickClasses(classes, BatchComposer.randomFor(42L, "cat", batch)));
            List<String> again = labels(composer.pickClasses(classes, BatchComposer.randomFor(42L, "cat", batch)));
            assertThat(again).isEqualTo(first);
        }
    }

    @Test
    void tiedClassesTakeTurnsAcrossBatches() {
        ClassSummary[] classes = {summary("a", 4, 1), summary("b", 4, 1), summary("c", 4, 1), summary("d", 4, 1)};
        Set<String> picked = new HashSet<>();

        for (long batch = 0; batch < 50; batch++) {
            picked.addAll(labels(composer.pickClasses(classes, BatchComposer.randomFor(42L, "cat", batch))));
        }

        assertThat(picked).containsExactlyInAnyOrder("a", "b", "c", "d");
    }

    /** P = 3, K = 3, one of the three places reserved for a replay class. */
    private final BatchComposer reserving = new BatchComposer(new BatchPolicy(3, 3, 8, 10, 3, 42L, 1));

    @Test
    void reservesAPlaceForAClassWithoutFreshSamplesWhenThereIsOne() {
        ClassSummary[] classes = {summary("new1", 5, 5), summary("old", 8, 0), summary("new2", 5, 4),
                summary("new3", 5, 3)};

        assertThat(labels(reserving.pickClasses(classes, new Random(1)))).containsExactly("new1", "new2", "old");
        // without the reservation the three classes with fresh samples fill the batch
        assertThat(labels(new BatchComposer(new BatchPolicy(3, 3, 8, 10, 3, 42L, 0))
                .pickClasses(classes, new Random(1)))).containsExactly("new1", "new2", "new3");
    }

    @Test
    void drawsTheReservedClassUniformlyAmongTheClassesWithoutFreshSamples() {
        ClassSummary[] classes = {summary("new1", 5, 5), summary("new2", 5, 4), summary("o1", 8, 0),
                summary("o2", 8, 0), summary("o3", 8, 0), summary("o4", 8, 0), summary("short", 2, 0)};
        java.util.Map<String, Integer> counts = new java.util.TreeMap<>();

        for (long batch = 0; batch < 4000; batch++) {
            List<String> picked = labels(reserving.pickClasses(classes, BatchComposer.randomFor(42L, "cat", batch)));
            assertThat(picked.subList(0, 2)).containsExactly("new1", "new2");
            counts.merge(picked.get(2), 1, Integer::sum);
        }

        // 1000 expected each; a binomial sd of about 27, so 850..1150 fails a fair draw almost never
        assertThat(counts.keySet()).containsExactly("o1", "o2", "o3", "o4");
        assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(850, 1150));
    }

    @Test
    void givesTheReservedPlaceToFreshClassesWhenEveryClassHasFreshSamples() {
        ClassSummary[] classes = {summary("a", 5, 1), summary("b", 5, 4), summary("c", 5, 3), summary("d", 5, 2)};

        assertThat(labels(reserving.pickClasses(classes, new Random(1)))).containsExactly("b", "c", "d");
    }

    @Test
    void fillsWithReplayClassesWhenTooFewClassesHaveFreshSamples() {
        ClassSummary[] classes = {summary("old1", 8, 0), summary("new", 5, 5), summary("old2", 8, 0)};

        List<String> picked = labels(reserving.pickClasses(classes, new Random(1)));

        assertThat(picked.get(0)).isEqualTo("new");
        assertThat(picked.subList(1, 3)).containsExactlyInAnyOrder("old1", "old2");
    }

    @Test
    void reservingDrawsNothingMoreFromTheBatchRandomSource() {
        ClassSummary[] classes = {summary("new1", 5, 5), summary("old", 8, 0), summary("new2", 5, 4),
                summary("new3", 5, 3)};
        Random withReserve = new Random(5);
        Random without = new Random(5);

        reserving.pickClasses(classes, withReserve);
        new BatchComposer(new BatchPolicy(3, 3, 8, 10, 3, 42L, 0)).pickClasses(classes, without);

        // the sample choice that follows sees the same random state either way
        assertThat(withReserve.nextLong()).isEqualTo(without.nextLong());
    }

    @Test
    void takesFreshSamplesNewestFirstWhenKAreFresh() {
        SlotPick pick = composer.pickSlots(slots(6, 2), new Random(1));

        assertThat(pick.slots()).containsExactly(5, 4, 3);
        assertThat(pick.freshTaken()).isEqualTo(3);
        assertThat(pick.oldestFreshIngestTime()).isEqualTo(3L);
    }

    @Test
    void fillsUpWithDistinctTrainedSamplesWhenFewerThanKAreFresh() {
        SlotPick pick = composer.pickSlots(slots(6, 5), new Random(1));

        assertThat(pick.slots()[0]).isEqualTo(5);
        assertThat(List.of(pick.slots()[1], pick.slots()[2])).doesNotHaveDuplicates()
                .allSatisfy(slot -> assertThat(slot).isBetween(0, 4));
        assertThat(pick.freshTaken()).isEqualTo(1);
        assertThat(pick.oldestFreshIngestTime()).isEqualTo(5L);
    }

    @Test
    void replaysAnyTrainedSampleOfTheClassOverManyBatches() {
        Set<Integer> replayed = new HashSet<>();

        for (int seed = 0; seed < 200; seed++) {
            SlotPick pick = composer.pickSlots(slots(6, 6), new Random(seed));
            Arrays.stream(pick.slots()).forEach(replayed::add);
            assertThat(pick.freshTaken()).isZero();
            assertThat(pick.oldestFreshIngestTime()).isEqualTo(Long.MAX_VALUE);
        }

        assertThat(replayed).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
    }

    @Test
    void picksTheSameSamplesForTheSameRandomState() {
        SlotPick first = composer.pickSlots(slots(8, 7), new Random(9));
        SlotPick again = composer.pickSlots(slots(8, 7), new Random(9));

        assertThat(again.slots()).containsExactly(first.slots());
    }

    @Test
    void refusesAClassShortOfK() {
        assertThatThrownBy(() -> composer.pickSlots(slots(2, 0), new Random(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void batchRandomnessDependsOnSeedCatalogAndBatchNumber() {
        long base = BatchComposer.randomFor(1L, "cat", 5).nextLong();

        assertThat(BatchComposer.randomFor(1L, "cat", 5).nextLong()).isEqualTo(base);
        assertThat(BatchComposer.randomFor(2L, "cat", 5).nextLong()).isNotEqualTo(base);
        assertThat(BatchComposer.randomFor(1L, "dog", 5).nextLong()).isNotEqualTo(base);
        assertThat(BatchComposer.randomFor(1L, "cat", 6).nextLong()).isNotEqualTo(base);
    }
}
