package io.streamsynth.operators.batch;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The batch builder's metrics, registered on its operator's group. The two gauges describe the
 * catalog of the last sample this subtask buffered (with one catalog per subtask, as in the demo,
 * that is the subtask's whole buffer); everything else counts over all catalogs of the subtask.
 */
final class BatchBuilderMetrics {
    /** Batch waits the histogram keeps for its percentiles. */
    private static final int WAIT_WINDOW = 1024;

    final Counter batchesBuilt;
    final Counter samplesBuffered;
    final Counter samplesRejected;
    final Counter classEvictions;
    final Counter heldOutForwarded;
    final Counter samplesRemoved;
    final Histogram batchBuildWaitMillis;
    private volatile int bufferedClasses;
    private volatile long bufferedSamples;

    BatchBuilderMetrics(MetricGroup group) {
        batchesBuilt = group.counter("batchesBuilt");
        samplesBuffered = group.counter("samplesBuffered");
        samplesRejected = group.counter("samplesRejected");
        classEvictions = group.counter("classEvictions");
        heldOutForwarded = group.counter("heldOutForwarded");
        samplesRemoved = group.counter("samplesRemoved");
        batchBuildWaitMillis = group.histogram("batchBuildWaitMillis",
                new DescriptiveStatisticsHistogram(WAIT_WINDOW));
        group.gauge("bufferedClasses", (Gauge<Integer>) () -> bufferedClasses);
        group.gauge("bufferedSamples", (Gauge<Long>) () -> bufferedSamples);
    }

    /** Records one processed training sample of a catalog whose index is now {@code index}. */
    void record(CatalogBuffers.Outcome outcome, CatalogIndex index, long now) {
        if (!outcome.buffered()) {
            samplesRejected.inc();
            return;
        }
        samplesBuffered.inc();
        classEvictions.inc(outcome.evictedClasses());
        bufferedClasses = index.classCount();
        bufferedSamples = index.bufferedSamples();
        if (outcome.batch() != null) {
            batchesBuilt.inc();
            if (outcome.batch().freshCount > 0) {
                // From the moment the oldest of its new samples was read to the moment it can train.
                batchBuildWaitMillis.update(Math.max(0L, now - outcome.batch().oldestFreshIngestTime));
            }
        }
    }
}
