package io.streamsynth.pipeline.cli;

import io.streamsynth.operators.types.ItemEmbedding;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The embeddings {@code evaluate} scores: one catalog, one model version (a given one, or the newest
 * seen), items whose id starts with a prefix, and per item the last record read, since a re-published
 * record replaces the earlier one and a tombstone removes the item. Only the chosen version is
 * kept, so memory follows one version's items, not the topic's history.
 */
final class EmbeddingSelection {
    private final String catalog;
    private final String itemsPrefix;
    private final Long fixedVersion;
    private long version = -1;
    private final Map<String, ItemEmbedding> byItem = new LinkedHashMap<>();

    /** @param fixedVersion the version to keep, or null for the newest */
    EmbeddingSelection(String catalog, String itemsPrefix, Long fixedVersion) {
        this.catalog = catalog;
        this.itemsPrefix = itemsPrefix == null ? "" : itemsPrefix;
        this.fixedVersion = fixedVersion;
        if (fixedVersion != null) {
            version = fixedVersion;
        }
    }

    void accept(ItemEmbedding e) {
        if (!catalog.equals(e.catalog) || !e.itemId.startsWith(itemsPrefix)) {
            return;
        }
        if (fixedVersion == null && e.modelVersion > version) {
            version = e.modelVersion;
            byItem.clear();
        }
        if (e.modelVersion == version) {
            byItem.put(e.itemId, e);
        }
    }

    /** The version kept; -1 when nothing matched and no version was given. */
    long version() {
        return version;
    }

    Collection<ItemEmbedding> items() {
        return byItem.values();
    }
}
