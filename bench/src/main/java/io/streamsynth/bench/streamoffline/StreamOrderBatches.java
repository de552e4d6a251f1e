package io.streamsynth.bench.streamoffline;

import io.streamsynth.model.data.ImageSet;
import io.streamsynth.operators.batch.BatchPolicy;
import io.streamsynth.operators.decode.HeldOutSelector;
import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.TrainerInput;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The batches the streaming job forms from a sequence of events, formed without Flink: the offline
 * side of the stream-vs-offline comparison (issue 14, part 4) trains on exactly these.
 *
 * <p>It takes what {@link io.streamsynth.operators.batch.ClassBalancedBatchBuilder} does with a
 * training sample and nothing else: a held-out sample (the decoder's {@link HeldOutSelector} decided)
 * goes to the trainer's evaluation set and never into a batch; every other sample goes through
 * {@link BatchFeed}, the builder's own plain-Java core, under the job's {@link BatchPolicy}
 * (buffers, trigger, class and sample choice, replay, seeded per batch number) on a heap store. So
 * batch n here holds the same samples in the same order as the job's batch n, for a single catalog
 * fed in order (one partition, parallelism 1), which is what {@code bench stream-vs-offline} runs.
 */
public final class StreamOrderBatches {
    private StreamOrderBatches() {}

    /**
     * @param batches    the batches formed, in order, each class-major (K samples of a class, then the next)
     * @param eventsUsed events read up to and including the one that completed the last batch; the
     *                   stream must be fed exactly these to train as many steps
     * @param heldOut    events among them kept out of training for evaluation
     */
    public record Replay(List<TrainerInput> batches, int eventsUsed, int heldOut) {
        public Replay {
            batches = List.copyOf(batches);
        }

        /** Samples that entered a batch for the first time, summed over the batches. */
        public long freshSamples() {
            return batches.stream().mapToLong(b -> b.freshCount).sum();
        }

        /** Samples in all batches, P x K each. */
        public long samples() {
            return batches.stream().mapToLong(TrainerInput::count).sum();
        }
    }

    /**
     * The first {@code steps} batches of {@code sequence} under the job's policy and held-out selector.
     *
     * @throws IllegalArgumentException when the whole sequence forms fewer batches
     */
    public static Replay replay(EventSequence sequence, ImageSet train, BatchPolicy policy, HeldOutSelector heldOut,
            int steps) throws Exception {
        return replay(n -> sequence.sample(train, n, heldOut.isHeldOut(sequence.catalog(), EventSequence.itemId(n)),
                n), sequence.size(), sequence.catalog(), policy, steps);
    }

    /**
     * The first {@code steps} batches that {@code events} 0..available-1 form, the events being decoded
     * training samples of {@code catalog} (held out or not) as the batch builder receives them.
     *
     * @throws IllegalArgumentException when the events form fewer batches, or a sample is of another catalog
     * @throws IllegalStateException    when the builder's core rejects a sample (a shape that differs
     *                                  from the catalog's first: the job would drop it, which this
     *                                  comparison does not expect; see {@link BatchFeed#offer})
     */
    public static Replay replay(IntFunction<ImageSample> events, int available, String catalog, BatchPolicy policy,
            int steps) throws Exception {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        }
        BatchFeed feed = new BatchFeed(catalog, policy);
        List<TrainerInput> batches = new ArrayList<>(steps);
        int heldOut = 0;
        for (int n = 0; n < available; n++) {
            ImageSample sample = events.apply(n);
            if (!catalog.equals(sample.catalog)) {
                throw new IllegalArgumentException("event " + n + " is of catalog '" + sample.catalog + "', not '"
                        + catalog + "'");
            }
            if (sample.heldOut) {
                heldOut++;
                continue;
            }
            TrainerInput batch = feed.offer(sample);
            if (batch != null) {
                batches.add(batch);
                if (batches.size() == steps) {
                    return new Replay(batches, n + 1, heldOut);
                }
            }
        }
        throw new IllegalArgumentException(available + " events form only " + batches.size() + " batches of "
                + policy.classesPerBatch() + " x " + policy.samplesPerClass() + ", fewer than the " + steps
                + " steps asked for");
    }
}
