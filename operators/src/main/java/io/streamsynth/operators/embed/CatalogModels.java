package io.streamsynth.operators.embed;

import ai.djl.Device;
import io.streamsynth.model.checkpoint.Checkpoint;
import io.streamsynth.model.checkpoint.CheckpointCodec;
import io.streamsynth.model.image.ImageSpec;
import io.streamsynth.model.image.InputBatch;
import io.streamsynth.model.image.Preprocessing;
import io.streamsynth.model.image.StoredImage;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.train.BackboneFile;
import io.streamsynth.model.train.EmbeddingModel;
import io.streamsynth.model.train.ModelCheckpoints;
import io.streamsynth.operators.backbone.BackboneFiles;
import io.streamsynth.operators.train.CatalogTrainer;
import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.ItemEmbedding;
import io.streamsynth.operators.types.ModelRelease;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The newest model of each catalog, loaded for inference, and batched embedding with it. */
final class CatalogModels implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CatalogModels.class);
    /**
     * A catalog's model with the preprocessing it was trained with (from the checkpoint's metadata), and
     * the digests a version marker names: of the encoded checkpoint and of its weights.
     */
    record Loaded(long version, EmbeddingModel model, Preprocessing preprocessing, String checkpointSha256,
            String weightsSha256) {}

    private final Device device;
    private final String scriptedBackbone;
    /**
     * TorchScript modules by path or URI, read on their first checkpoint, then kept: every version of a catalog
     * (and often every catalog) shares its file.
     */
    private final Map<String, BackboneFile> modules = new HashMap<>();
    private final Map<String, Loaded> models = new HashMap<>();

    CatalogModels(Device device) {
        this(device, null);
    }

    /**
     * @param scriptedBackbone the TorchScript module of torchscript checkpoints that do not name theirs (the
     *                         job's --backbone-torchscript), or null
     */
    CatalogModels(Device device, String scriptedBackbone) {
        this.device = device;
        this.scriptedBackbone = scriptedBackbone;
    }

    /**
     * The module a torchscript checkpoint is built over: the file its lineage names
     * ({@code lineage.backbone_file}: a catalogs-topic record's module, or the job's), else the job's flag.
     */
    private BackboneFile scripted(Checkpoint checkpoint) {
        Architecture a = Architecture.fromMap(checkpoint.metadata().architecture());
        if (a.kind() != Architecture.Kind.TORCHSCRIPT) {
            return null;
        }
        Map<String, Object> lineage = checkpoint.metadata().lineage();
        Object named = lineage == null ? null : lineage.get(CatalogTrainer.BACKBONE_FILE_KEY);
        String uri = named != null ? named.toString() : scriptedBackbone;
        if (uri == null) {
            throw new IllegalArgumentException("a checkpoint of a torchscript model (backbone sha256 "
                    + a.backboneSha256() + ") names no module and reached an embedder without --backbone-torchscript");
        }
        BackboneFile file = modules.get(uri);
        if (file == null || !file.sha256().equals(a.backboneSha256())) {
            // read again when the kept bytes are not the checkpoint's module: the file may have been replaced
            file = BackboneFiles.read(uri);
            modules.put(uri, file);
        }
        return file;
    }

    Loaded get(String catalog) {
        return models.get(catalog);
    }

    /**
     * Loads a release's checkpoint unless this or a newer version is already loaded; returns whether it did.
     *
     * @throws IllegalStateException when the checkpoint's metadata names another version or catalog than the release
     */
    boolean load(ModelRelease release) {
        Checkpoint checkpoint = CheckpointCodec.decodeTrusted(release.checkpoint);
        release.requireMatches(checkpoint.metadata());
        return load(release.catalog, checkpoint, release.checkpointDigest());
    }

    /**
     * Loads an encoded checkpoint kept in this job's state unless this or a newer version is already
     * loaded; returns whether it did. The weights are not hashed again: the trainer hashed them once,
     * and the bytes never left Flink since.
     *
     * @param checkpointSha256 digest of the whole checkpoint as the checkpoints topic carries it
     */
    boolean load(String catalog, byte[] encoded, String checkpointSha256) {
        return load(catalog, CheckpointCodec.decodeTrusted(encoded), checkpointSha256);
    }

    private boolean load(String catalog, Checkpoint checkpoint, String checkpointSha256) {
        long version = checkpoint.metadata().modelVersion();
        Loaded current = models.get(catalog);
        if (current != null && current.version() >= version) {
            return false;
        }
        Preprocessing preprocessing = new Preprocessing(specOf(checkpoint));
        EmbeddingModel model = ModelCheckpoints.loadModel(checkpoint, device, scripted(checkpoint));
        models.put(catalog, new Loaded(version, model, preprocessing, checkpointSha256,
                checkpoint.metadata().weightsSha256()));
        if (current != null) {
            current.model().close();
        }
        return true;
    }

    /** Checkpoints from before preprocessing was recorded saw their images unchanged. */
    private static ImageSpec specOf(Checkpoint checkpoint) {
        var recorded = checkpoint.metadata().preprocessing();
        if (recorded.isEmpty()) {
            Architecture a = Architecture.fromMap(checkpoint.metadata().architecture());
            return ImageSpec.unchanged(a.channels(), a.height());
        }
        return ImageSpec.fromMap(recorded);
    }

    /**
     * Embeds items of one catalog in one pass per batch: center crop of each stored square, normalised.
     * Items stored under another image contract than the model's (a catalog whose settings changed its
     * channels or S, see the README, "Catalog settings") are left out: their next image embeds them.
     */
    static List<ItemEmbedding> embed(Loaded loaded, List<ImageSample> all, int batchSize) {
        ImageSpec spec = loaded.preprocessing().spec();
        List<ImageSample> items = all;
        if (all.stream().anyMatch(s -> !fits(s, spec))) {
            items = all.stream().filter(s -> fits(s, spec)).toList();
            LOG.warn("catalog {}: {} of {} items are stored under another image contract than version {}'s ({}x{}x{}) "
                    + "and are not embedded with it", all.get(0).catalog, all.size() - items.size(), all.size(),
                    loaded.version(), spec.channels(), spec.resize(), spec.resize());
        }
        if (items.isEmpty()) {
            return List.of();
        }
        InputBatch.Builder inputs = InputBatch.builder(loaded.preprocessing(), items.size());
        for (ImageSample s : items) {
            inputs.addForEmbedding(StoredImage.decode(s.pixels, s.channels, s.height, s.width), null);
        }
        float[][] vectors = loaded.model().embed(inputs.build().pixels(), batchSize);
        List<ItemEmbedding> out = new ArrayList<>(items.size());
        for (int n = 0; n < items.size(); n++) {
            ImageSample s = items.get(n);
            out.add(new ItemEmbedding(s.catalog, s.itemId, s.label, loaded.version(), s.revision, vectors[n]));
        }
        return out;
    }

    private static boolean fits(ImageSample s, ImageSpec spec) {
        return s.channels == spec.channels() && s.height == spec.resize() && s.width == spec.resize();
    }

    @Override
    public void close() {
        models.values().forEach(l -> l.model().close());
        models.clear();
    }
}
