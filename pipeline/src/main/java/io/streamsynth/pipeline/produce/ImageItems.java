package io.streamsynth.pipeline.produce;

import io.streamsynth.model.data.ImageSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The images a producer sends, in sending order: which image of the set, under which item id and
 * label. The set itself is shared, not copied.
 */
public record ImageItems(ImageSet images, List<Item> items) {

    /** One event to send: image {@code index} of the set. */
    public record Item(int index, String itemId, String label) {}

    public ImageItems {
        items = List.copyOf(items);
    }

    public int size() {
        return items.size();
    }

    /** The first {@code limit} items (all when null). */
    public ImageItems limit(Integer limit) {
        if (limit == null || limit >= items.size()) {
            return this;
        }
        return new ImageItems(images, items.subList(0, limit));
    }

    /** The same items in a seeded random order, so class-sorted sources interleave their classes. */
    public ImageItems shuffled(long seed) {
        List<Item> copy = new ArrayList<>(items);
        java.util.Collections.shuffle(copy, new Random(seed));
        return new ImageItems(images, copy);
    }
}
