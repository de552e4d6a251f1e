package io.streamsynth.operators.train;

import io.streamsynth.model.image.InputBatch;
import io.streamsynth.model.image.Preprocessing;
import io.streamsynth.model.image.StoredImage;
import io.streamsynth.model.metrics.NonFiniteEmbeddingException;
import io.streamsynth.model.metrics.RetrievalReport;
import io.streamsynth.model.train.EmbeddingModel;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A catalog's held-out items, never trained on, for evaluating each published version. Bounded:
 * when full, the oldest item leaves; an item seen again replaces its earlier image; a deleted item
 * leaves. Items keep their stored image (raw or JPEG), so a full set of photos stays small.
 */
final class HeldOutSet {
    private record Item(String label, byte[] pixels) {}

    /**
     * The largest network input, in floats, kept between evaluations: 32 MiB, which holds 2,000 grey 28 x 28
     * items (1.6 M floats) ten times over, but not 2,000 RGB 224 x 224 crops (300 M floats, 1.2 GB).
     */
    static final long DEFAULT_CACHED_FLOATS = 8L << 20;

    private final int capacity;
    private final long cachedFloats;
    private final LinkedHashMap<String, Item> items = new LinkedHashMap<>();
    /** Changes whenever the items change, so figures computed on one set of items can be reused. */
    private long generation;
    /** The items of {@link #cachedGeneration} preprocessed by {@link #cachedFor}, or null. */
    private InputBatch cachedInputs;
    private Preprocessing cachedFor;
    private long cachedGeneration = -1;

    HeldOutSet(int capacity) {
        this(capacity, DEFAULT_CACHED_FLOATS);
    }

    /** @param cachedFloats the largest network input (in floats) that {@link #inputs} keeps for the next call */
    HeldOutSet(int capacity, long cachedFloats) {
        this.capacity = capacity;
        this.cachedFloats = cachedFloats;
    }

    void add(String itemId, String label, byte[] pixels) {
        generation++;
        items.remove(itemId);
        if (capacity == 0) {
            return;
        }
        items.put(itemId, new Item(label, pixels));
        Iterator<String> oldest = items.keySet().iterator();
        while (items.size() > capacity) {
            oldest.next();
            oldest.remove();
        }
    }

    /** Drops a deleted item; returns whether it was here. */
    boolean remove(String itemId) {
        if (items.remove(itemId) == null) {
            return false;
        }
        generation++;
        return true;
    }

    /** A number that differs after any change of the items (not kept across a restore). */
    long generation() {
        return generation;
    }

    int size() {
        return items.size();
    }

    /**
     * Recall@K, NMI and MAP@R of the model on these items, each preprocessed as for embedding;
     * empty when there are too few items or classes; only {@code non_finite_embeddings} and
     * {@code held_out_items} when the model embeds some item to NaN or an infinity.
     */
    Map<String, Double> evaluate(EmbeddingModel model, Preprocessing preprocessing, int minItems, long seed) {
        int n = items.size();
        InputBatch inputs = inputs(preprocessing);
        if (n < minItems || inputs.classes() < 2) {
            return Map.of();
        }
        Map<String, Double> figures = new LinkedHashMap<>();
        try {
            figures.putAll(RetrievalReport.evaluate(model.embed(inputs.pixels(), 256), inputs.labels(), seed).toMap());
        } catch (NonFiniteEmbeddingException e) {
            // a model that embeds to NaN has no figures to publish; say how many items it broke on
            // instead of failing the job
            figures.put("non_finite_embeddings", (double) e.count());
        }
        figures.put("held_out_items", (double) n);
        return figures;
    }

    /**
     * The items restored and preprocessed for embedding, in insertion order. The same batch is returned
     * again while neither the items ({@link #generation()}) nor the preprocessing (the same instance)
     * changed, so that the candidate's and the promoted model's evaluations, and evaluations at publishes
     * between which no held-out item arrived, restore and preprocess once; a batch larger than the cache
     * bound is built anew each time instead of held.
     */
    InputBatch inputs(Preprocessing preprocessing) {
        if (cachedInputs != null && cachedFor == preprocessing && cachedGeneration == generation) {
            return cachedInputs;
        }
        InputBatch.Builder builder = InputBatch.builder(preprocessing, items.size());
        for (Item item : items.values()) {
            builder.addForEmbedding(preprocessing.restore(item.pixels()), item.label());
        }
        InputBatch inputs = builder.build();
        boolean small = (long) items.size() * preprocessing.spec().inputPixels() <= cachedFloats;
        cachedInputs = small ? inputs : null;
        cachedFor = small ? preprocessing : null;
        cachedGeneration = generation;
        return inputs;
    }

    /**
     * Drops the items whose stored image is not C x S x S ({@link StoredImage#hasShape}, raw or JPEG): kept
     * under another channel count or stored size S (a job restored with another {@code --image-resize}, a
     * catalog whose settings record changed its channels or S), they cannot be preprocessed under the
     * current image spec. Items that still fit stay, whatever else changed.
     *
     * @return how many were dropped
     */
    int dropOtherSizes(int channels, int resize) {
        int before = items.size();
        items.values().removeIf(item -> !StoredImage.hasShape(item.pixels(), channels, resize, resize));
        if (items.size() != before) {
            generation++;
        }
        return before - items.size();
    }

    void write(DataOutputStream out) throws IOException {
        out.writeInt(items.size());
        for (Map.Entry<String, Item> e : items.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeUTF(e.getValue().label());
            out.writeInt(e.getValue().pixels().length);
            out.write(e.getValue().pixels());
        }
    }

    void read(DataInputStream in) throws IOException {
        items.clear();
        generation++;
        int count = in.readInt();
        for (int i = 0; i < count; i++) {
            String id = in.readUTF();
            String label = in.readUTF();
            byte[] pixels = new byte[in.readInt()];
            in.readFully(pixels);
            add(id, label, pixels);
        }
    }
}
