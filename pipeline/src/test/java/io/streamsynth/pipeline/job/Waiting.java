package io.streamsynth.pipeline.job;

import io.streamsynth.model.checkpoint.Checkpoint;
import io.streamsynth.pipeline.kafka.PipelineWatcher;
import java.time.Duration;

/** Polling helpers for tests that run the job. */
final class Waiting {
    private Waiting() {}

    /**
     * Polls until no new model version (promoted or not) has arrived for a while and every one of
     * {@code items} items has an embedding at the newest promoted version, the one the embedder
     * serves; returns that version.
     */
    static long untilQuietAndEmbedded(PipelineWatcher w, int items, Duration timeout) {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        long lastVersion = -1;
        long since = System.currentTimeMillis();
        while (System.currentTimeMillis() < deadline) {
            w.poll(Duration.ofMillis(300));
            long trained = w.newestCheckpoint().map(c -> c.metadata().modelVersion()).orElse(-1L);
            if (trained != lastVersion) {
                lastVersion = trained;
                since = System.currentTimeMillis();
            }
            long version = w.newestPromotedCheckpoint().map(c -> c.metadata().modelVersion()).orElse(-1L);
            long atNewest = w.newestEmbeddings().values().stream().filter(e -> e.modelVersion == version).count();
            if (trained > 0 && version >= 0 && atNewest >= items && System.currentTimeMillis() - since > 6000) {
                return version;
            }
        }
        throw new AssertionError("timed out: newest version " + lastVersion + ", checkpoints "
                + w.checkpoints().stream().map(Checkpoint::metadata).map(m -> m.modelVersion() + "@" + m.step()
                        + (m.promoted() ? "" : " (not promoted: " + m.promotion().get("reason") + ")")).toList() + ", embeddings " + w.embeddings());
    }
}
