package io.streamsynth.bench.growing;

import java.util.Comparator;
import java.util.List;

/**
 * What a growing run observed, every time in milliseconds since the epoch on this machine's clock.
 * Event {@code i} is the i-th event sent, and the item it created; -1 stands for "never".
 *
 * @param sentMillis         per event, when the bench handed it to the producer (its record's CreateTime)
 * @param firstWrittenMillis per event, the CreateTime of the first record of its item on the embeddings
 *                           topic (stamped by the job's Kafka sink when the embedder emitted it), or -1
 * @param firstVisibleMillis per event, when a read_committed consumer first saw that record (its
 *                           transaction commits with the Flink checkpoint after it), or -1
 * @param writtenMillis      the CreateTime of every embedding record of the catalog, in any order
 * @param trainer            the catalog's published checkpoints as (publication time, training step)
 * @param versions           the catalog's published versions, with what the embedder made of each
 * @param batchSize          P x K: images per training step
 */
public record RunTimeline(long[] sentMillis, long[] firstWrittenMillis, long[] firstVisibleMillis,
        long[] writtenMillis, List<TrainerPoint> trainer, List<VersionSpan> versions, int batchSize) {

    /** A published checkpoint: when (its {@code created_at_millis}) and after how many training steps. */
    public record TrainerPoint(long timeMillis, long step) {}

    /**
     * A published version and its fate on the embedder's side.
     *
     * @param publishedMillis  the checkpoint's {@code created_at_millis}
     * @param promoted         whether the promotion gate let it through (only promoted versions are
     *                         re-embedded and get a marker)
     * @param completeMillis   the time of its "complete" marker on the versions topic, or -1
     * @param supersededMillis the time of its "superseded" marker, or -1
     */
    public record VersionSpan(long version, long step, long publishedMillis, boolean promoted, long completeMillis,
            long supersededMillis) {
        /** Publication to "complete", or -1 when it never completed. */
        public long completeLatencyMillis() {
            return completeMillis < 0 ? -1 : completeMillis - publishedMillis;
        }
    }

    /**
     * @throws IllegalArgumentException when the per-event arrays differ in length, there are no events,
     *                                  or the batch size is not positive
     */
    public RunTimeline {
        int n = sentMillis.length;
        if (n == 0 || firstWrittenMillis.length != n || firstVisibleMillis.length != n) {
            throw new IllegalArgumentException("need one sent, first-written and first-visible time per event, got "
                    + n + ", " + firstWrittenMillis.length + ", " + firstVisibleMillis.length);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        trainer = trainer.stream().sorted(Comparator.comparingLong(TrainerPoint::timeMillis)).toList();
        versions = List.copyOf(versions);
    }

    public int events() {
        return sentMillis.length;
    }
}
