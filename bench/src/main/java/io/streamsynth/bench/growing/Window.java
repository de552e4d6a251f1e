package io.streamsynth.bench.growing;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One window of a growing run: the span from the first send of its share of the events to the first
 * send of the next window's share (the last window ends at the last send). Rates are per second of
 * that span; delays in milliseconds; -1 where there was nothing to measure, {@link Percentile#NEVER}
 * where the percentile falls on an item that was never embedded.
 *
 * @param index                  1-based
 * @param fromEvent              first event of the window (0-based, inclusive)
 * @param toEvent                end of its events (exclusive)
 * @param trainerImagesPerSecond training steps in the span times P x K, per second, the steps read off the
 *                               published checkpoints (linear between two of them)
 * @param embeddingsPerSecond    records the embedder wrote to the embeddings topic in the span, per second:
 *                               {@code newItemsPerSecond} (an item's first) plus {@code reembeddedPerSecond}
 * @param freshnessP50Millis     over the window's events: sent to the first embedding of its item written
 * @param freshnessP99Millis     the same, 99th percentile
 * @param visibleP99Millis       sent to that embedding visible to a read_committed consumer, 99th percentile
 * @param unembedded             the window's items never embedded by the end of the run
 * @param versionsPublished      versions whose checkpoint was published in the span
 * @param versionsPromoted       of those, promoted
 * @param versionsComplete       of those, announced complete
 * @param versionsSuperseded     of those, superseded before complete
 * @param versionCompleteMaxMillis the longest publication-to-complete delay among them, -1 for none
 * @param itemsEmbedded          items with an embedding by the end of the span: the store the passes cover
 * @param versionsSoFar          versions published by the end of the span
 */
public record Window(int index, int fromEvent, int toEvent, long startMillis, long endMillis,
        double trainerImagesPerSecond, double embeddingsPerSecond, double newItemsPerSecond,
        double reembeddedPerSecond, long freshnessP50Millis, long freshnessP99Millis, long visibleP99Millis,
        int unembedded, int versionsPublished, int versionsPromoted, int versionsComplete, int versionsSuperseded,
        long versionCompleteMaxMillis, int itemsEmbedded, int versionsSoFar) {

    public double seconds() {
        return (endMillis - startMillis) / 1000.0;
    }

    /** For a JSON line: snake_case names, null for a percentile that fell on a never-embedded item. */
    public Map<String, Object> toMap(long runStartMillis) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "window");
        m.put("window", index);
        m.put("from_event", fromEvent);
        m.put("to_event", toEvent);
        m.put("start_s", (startMillis - runStartMillis) / 1000.0);
        m.put("seconds", seconds());
        m.put("trainer_images_per_s", trainerImagesPerSecond);
        m.put("embeddings_per_s", embeddingsPerSecond);
        m.put("new_items_per_s", newItemsPerSecond);
        m.put("reembedded_per_s", reembeddedPerSecond);
        m.put("freshness_p50_ms", orNull(freshnessP50Millis));
        m.put("freshness_p99_ms", orNull(freshnessP99Millis));
        m.put("visible_p99_ms", orNull(visibleP99Millis));
        m.put("unembedded", unembedded);
        m.put("versions_published", versionsPublished);
        m.put("versions_promoted", versionsPromoted);
        m.put("versions_complete", versionsComplete);
        m.put("versions_superseded", versionsSuperseded);
        m.put("version_complete_max_ms", versionCompleteMaxMillis);
        m.put("items_embedded", itemsEmbedded);
        m.put("versions_so_far", versionsSoFar);
        return m;
    }

    private static Long orNull(long millis) {
        return millis == Percentile.NEVER ? null : millis;
    }
}
