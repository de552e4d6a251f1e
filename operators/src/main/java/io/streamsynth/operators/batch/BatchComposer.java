package io.streamsynth.operators.batch;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * The batch policy in plain Java: when a batch is due, which classes it takes and which samples of
 * each. It reads only the index and the slots it is given and changes nothing, so every decision
 * can be tested on tiny hand-made cases; {@link CatalogBuffers} applies the decisions.
 * See {@link ClassBalancedBatchBuilder} for the policy in words.
 */
public final class BatchComposer {
    private final BatchPolicy policy;

    public BatchComposer(BatchPolicy policy) {
        this.policy = policy;
    }

    /** A class can take part in a batch once it holds K samples. */
    public boolean isEligible(ClassSummary summary) {
        return summary.size >= policy.samplesPerClass();
    }

    /**
     * A batch is due when P classes are eligible and the eligible classes hold at least
     * freshPerBatch fresh samples. Fresh samples of classes still short of K do not count: a batch
     * could not take them, and counting them would fire a replay-only batch on every event while
     * such a class fills up.
     */
    public boolean isDue(CatalogIndex index) {
        int eligible = 0;
        long fresh = 0;
        for (ClassSummary summary : index.classes) {
            if (isEligible(summary)) {
                eligible++;
                fresh += summary.freshCount;
            }
        }
        return eligible >= policy.classesPerBatch() && fresh >= policy.freshPerBatch();
    }

    /**
     * The P eligible classes of a batch, most fresh samples first. Up to
     * {@link BatchPolicy#replayClassesPerBatch} places go to replay classes (eligible, no fresh sample),
     * drawn uniformly among them, when there are any; the rest to the classes with the most fresh
     * samples. Ties are broken by a shuffle drawn from {@code random} before a stable sort, so equal
     * classes take turns yet the choice is reproducible; the same shuffle orders the replay classes, so
     * reserving places draws nothing more from {@code random}. Fewer than P come back only if fewer
     * are eligible.
     */
    public List<ClassSummary> pickClasses(ClassSummary[] classes, Random random) {
        List<ClassSummary> eligible = new ArrayList<>();
        for (ClassSummary summary : classes) {
            if (isEligible(summary)) {
                eligible.add(summary);
            }
        }
        Collections.shuffle(eligible, random);
        eligible.sort(Comparator.comparingInt((ClassSummary c) -> c.freshCount).reversed());
        int p = Math.min(policy.classesPerBatch(), eligible.size());
        // Sorted by fresh samples, the replay classes are the tail, still in shuffled order.
        int firstReplay = eligible.size();
        while (firstReplay > 0 && eligible.get(firstReplay - 1).freshCount == 0) {
            firstReplay--;
        }
        int reserved = Math.min(policy.replayClassesPerBatch(), eligible.size() - firstReplay);
        int byFresh = Math.min(p - reserved, firstReplay);
        if (byFresh >= p) {
            return List.copyOf(eligible.subList(0, p));
        }
        List<ClassSummary> chosen = new ArrayList<>(eligible.subList(0, byFresh));
        chosen.addAll(eligible.subList(firstReplay, firstReplay + p - byFresh));
        return List.copyOf(chosen);
    }

    /**
     * K samples of one class (which must hold at least K): its fresh samples newest first, then,
     * if fewer than K are fresh, a uniformly random choice without repetition among the others.
     * Newest first keeps the model close to the stream; the rest stay fresh for a later batch.
     */
    public SlotPick pickSlots(ClassSlots slots, Random random) {
        int k = policy.samplesPerClass();
        if (slots.size < k) {
            throw new IllegalArgumentException("class holds " + slots.size + " samples, fewer than K = " + k);
        }
        int[] picked = new int[k];
        int taken = 0;
        long oldestFresh = Long.MAX_VALUE;
        for (int i = 0; i < slots.size && taken < k; i++) {
            int slot = slots.newest(i);
            if (slots.isFresh(slot)) {
                picked[taken++] = slot;
                oldestFresh = Math.min(oldestFresh, slots.ingestTimeOf(slot));
            }
        }
        int freshTaken = taken;
        if (taken < k) {
            // Every fresh sample is taken by now, so the others are exactly the trained ones.
            int[] others = new int[slots.size - taken];
            int n = 0;
            for (int i = 0; i < slots.size; i++) {
                int slot = slots.newest(i);
                if (!slots.isFresh(slot)) {
                    others[n++] = slot;
                }
            }
            // A partial Fisher-Yates shuffle: the first (k - taken) entries become a uniform sample.
            for (int j = 0; taken < k; j++) {
                int r = j + random.nextInt(n - j);
                int chosen = others[r];
                others[r] = others[j];
                others[j] = chosen;
                picked[taken++] = chosen;
            }
        }
        return new SlotPick(picked, freshTaken, oldestFresh);
    }

    /**
     * The random source of one batch, derived from the seed, the catalog and the batch number.
     * Keeping only the batch number in state is enough for a restored job to continue the very
     * sequence the failed one would have drawn; {@link Random}'s algorithm is fixed by its spec,
     * so the sequence is the same on every JVM.
     */
    public static Random randomFor(long seed, String catalog, long batchNumber) {
        long state = mix(seed);
        state = mix(state ^ catalog.hashCode());
        return new Random(mix(state + batchNumber));
    }

    /** SplitMix64's finaliser: nearby inputs (batch 1, 2, 3...) give unrelated seeds. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
