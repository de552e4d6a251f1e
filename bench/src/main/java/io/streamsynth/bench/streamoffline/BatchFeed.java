package io.streamsynth.bench.streamoffline;

import io.streamsynth.bench.incremental.HeapSampleStore;
import io.streamsynth.operators.batch.BatchPolicy;
import io.streamsynth.operators.batch.CatalogBuffers;
import io.streamsynth.operators.batch.CatalogIndex;
import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.TrainerInput;

/**
 * One catalog's batch builder without Flink: the job's own core ({@link CatalogBuffers} under a
 * {@link BatchPolicy}, the same buffers, trigger, class and sample choices and seeded batch numbers) on
 * a heap store, fed one decoded training sample at a time. What the benches that replay the job's
 * batches ({@link StreamOrderBatches}, the class-incremental feed) share.
 */
public final class BatchFeed {
    private final String catalog;
    private final CatalogBuffers buffers;
    private final CatalogIndex index = new CatalogIndex();

    public BatchFeed(String catalog, BatchPolicy policy) {
        if (catalog == null || catalog.isEmpty()) {
            throw new IllegalArgumentException("catalog must not be empty");
        }
        this.catalog = catalog;
        this.buffers = new CatalogBuffers(policy, new HeapSampleStore());
    }

    /**
     * Buffers a training sample of this catalog (not a held-out one: the job never buffers those).
     *
     * @return the batch it completes, class-major; null when none is due
     * @throws IllegalArgumentException when the sample is of another catalog or held out
     * @throws IllegalStateException    when the builder's core rejects it (a shape that differs from the
     *                                  catalog's first: the job would drop it, which no replay expects)
     */
    public TrainerInput offer(ImageSample sample) throws Exception {
        if (!catalog.equals(sample.catalog)) {
            throw new IllegalArgumentException("sample " + sample.itemId + " is of catalog '" + sample.catalog
                    + "', not '" + catalog + "'");
        }
        if (sample.heldOut) {
            throw new IllegalArgumentException("sample " + sample.itemId + " is held out: the batch builder never "
                    + "buffers it");
        }
        CatalogBuffers.Outcome outcome = buffers.add(catalog, index, sample);
        if (outcome.rejection() != null) {
            throw new IllegalStateException("the batch builder rejects " + sample.itemId + ": " + outcome.rejection());
        }
        return outcome.batch();
    }

    /**
     * Removes the item's buffered sample, as a delete does in the job.
     *
     * @return whether it had one
     */
    public boolean remove(String itemId) throws Exception {
        return buffers.remove(index, itemId);
    }

    /** Samples buffered now, over all classes. */
    public long bufferedSamples() {
        return index.bufferedSamples();
    }
}
