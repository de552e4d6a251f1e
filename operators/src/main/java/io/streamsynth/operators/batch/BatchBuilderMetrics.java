package io.streamsynth.operators.batch;

import io.streamsynth.operators.metrics.CatalogGauge;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The batch builder's metrics, registered on its operator's group. The two gauges report each
 * catalog's buffer (group {@code catalog.<name>}) and their sum over the subtask's catalogs
 * ({@link CatalogGauge}); the counters and the histogram count over all catalogs of the subtask.
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
    private final CatalogGauge bufferedClasses;
    private final CatalogGauge bufferedSamples;

    BatchBuilderMetrics(MetricGroup group) {
        batchesBuilt = group.counter("batchesBuilt");
        samplesBuffered = group.counter("samplesBuffered");
        samplesRejected = group.counter("samplesRejected");
        classEvictions = group.counter("classEvictions");
        heldOutForwarded = group.counter("heldOutForwarded");
        samplesRemoved = group.counter("samplesRemoved");
        batchBuildWaitMillis = group.histogram("batchBuildWaitMillis",
                new DescriptiveStatisticsHistogram(WAIT_WINDOW));
        bufferedClasses = new CatalogGauge(group, "bufferedClasses");
        bufferedSamples = new CatalogGauge(group, "bufferedSamples");
    }

    /** The catalog's buffer is now what {@code index} says (after any sample or removal). */
    void buffered(String catalog, CatalogIndex index) {
        bufferedClasses.set(catalog, index.classCount());
        bufferedSamples.set(catalog, index.bufferedSamples());
    }

    /** Records one processed training sample; {@link #buffered} reports the buffer it left. */
    void record(CatalogBuffers.Outcome outcome, long now) {
        if (!outcome.buffered()) {
            samplesRejected.inc();
            return;
        }
        samplesBuffered.inc();
        classEvictions.inc(outcome.evictedClasses());
        if (outcome.batch() != null) {
            batchesBuilt.inc();
            if (outcome.batch().freshCount > 0) {
                // From the moment the oldest of its new samples was read to the moment it can train.
                batchBuildWaitMillis.update(Math.max(0L, now - outcome.batch().oldestFreshIngestTime));
            }
        }
    }
}
