package io.streamsynth.operators.embed;

import io.streamsynth.operators.metrics.CatalogGauge;
import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.ItemKey;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.metrics.MetricGroup;

/**
 * The embedder's two gauges, per catalog and summed over the subtask's catalogs ({@link CatalogGauge}):
 * {@code itemsStored}, the items whose newest image this subtask holds, and {@code embeddingLag}, the
 * new images waiting for their inference batch plus the stored items still waiting for their
 * catalog's newest version.
 */
final class EmbedderGauges {
    private final CatalogGauge itemsStored;
    private final CatalogGauge embeddingLag;

    EmbedderGauges(MetricGroup group) {
        itemsStored = new CatalogGauge(group, "itemsStored");
        embeddingLag = new CatalogGauge(group, "embeddingLag");
    }

    /**
     * Counts the stored items of each catalog from the keys of the item state (item keys,
     * {@link ItemKey}): once when the operator opens, since a restored subtask holds items the
     * counters never saw arrive. Returns the counts, per catalog.
     */
    Map<String, Long> countStored(Stream<String> itemKeys) {
        Map<String, Long> counts = new HashMap<>();
        itemKeys.forEach(k -> ItemKey.decode(k.getBytes(StandardCharsets.UTF_8))
                .ifPresent(key -> counts.merge(key.catalog(), 1L, Long::sum)));
        counts.forEach(this::stored);
        return counts;
    }

    /** A catalog's item count as a re-embedding pass found it. */
    void stored(String catalog, long items) {
        itemsStored.set(catalog, items);
        embeddingLag.register(catalog);
    }

    /** An item of the catalog was stored for the first time (or again after a delete). */
    void itemAdded(String catalog) {
        itemsStored.add(catalog, 1);
        embeddingLag.register(catalog);
    }

    void itemDeleted(String catalog) {
        itemsStored.add(catalog, -1);
    }

    /**
     * Sets each catalog's lag from the images waiting for a batch, the running passes and the items
     * of catalogs that have no model yet ({@code unmodelled}: items per catalog).
     */
    void lag(Collection<ImageSample> waiting, RefreshPasses passes, Map<String, Integer> unmodelled) {
        Map<String, Long> lag = new HashMap<>(passes.sizeByCatalog());
        unmodelled.forEach((catalog, n) -> lag.merge(catalog, (long) n, Long::sum));
        for (ImageSample s : waiting) {
            lag.merge(s.catalog, 1L, Long::sum);
        }
        embeddingLag.setAll(lag);
    }
}
