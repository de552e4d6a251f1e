package io.streamsynth.operators.embed;

import ai.djl.Device;
import io.streamsynth.model.checkpoint.Checkpoint;
import io.streamsynth.model.checkpoint.CheckpointCodec;
import io.streamsynth.model.train.EmbeddingModel;
import io.streamsynth.model.train.ModelCheckpoints;
import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.ItemEmbedding;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The newest model of each catalog, loaded for inference, and batched embedding with it. */
final class CatalogModels implements AutoCloseable {
    record Loaded(long version, EmbeddingModel model) {}

    private final Device device;
    private final Map<String, Loaded> models = new HashMap<>();

    CatalogModels(Device device) {
        this.device = device;
    }

    Loaded get(String catalog) {
        return models.get(catalog);
    }

    /** Loads an encoded checkpoint unless this or a newer version is already loaded; returns whether it did. */
    boolean load(String catalog, byte[] encoded) {
        Checkpoint checkpoint = CheckpointCodec.decode(encoded);
        long version = checkpoint.metadata().modelVersion();
        Loaded current = models.get(catalog);
        if (current != null && current.version() >= version) {
            return false;
        }
        EmbeddingModel model = ModelCheckpoints.loadModel(checkpoint, device);
        models.put(catalog, new Loaded(version, model));
        if (current != null) {
            current.model().close();
        }
        return true;
    }

    /** Embeds items of one catalog in one pass per batch. */
    static List<ItemEmbedding> embed(Loaded loaded, List<ImageSample> items, int batchSize) {
        int per = loaded.model().architecture().pixelsPerImage();
        float[] pixels = new float[items.size() * per];
        for (int n = 0; n < items.size(); n++) {
            byte[] p = items.get(n).pixels;
            for (int i = 0; i < per; i++) {
                pixels[n * per + i] = (p[i] & 0xff) / 255f;
            }
        }
        float[][] vectors = loaded.model().embed(pixels, batchSize);
        List<ItemEmbedding> out = new ArrayList<>(items.size());
        for (int n = 0; n < items.size(); n++) {
            ImageSample s = items.get(n);
            out.add(new ItemEmbedding(s.catalog, s.itemId, s.label, loaded.version(), s.revision, vectors[n]));
        }
        return out;
    }

    @Override
    public void close() {
        models.values().forEach(l -> l.model().close());
        models.clear();
    }
}
