package io.streamsynth.operators.embed;

import io.streamsynth.model.checkpoint.Sha256;
import io.streamsynth.operators.backbone.MissingBackboneFileException;
import io.streamsynth.operators.types.ModelRelease;
import java.util.HashSet;
import java.util.Set;
import org.apache.flink.api.common.state.BroadcastState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model each catalog is served with on this subtask: the newest release's checkpoint in broadcast
 * state (every subtask holds and restores it), loaded for inference on first use after a restore.
 */
final class ServedModels implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServedModels.class);

    private final CatalogModels models;
    private final BroadcastState<String, byte[]> checkpoints;
    private final BroadcastState<String, String> digests;
    /**
     * Catalogs whose restored model this embedder cannot rebuild (a TorchScript checkpoint over another
     * module than --backbone-torchscript now names): they wait for their next version, which the
     * trainer starts anew over the new module (--on-incompatible-state new-lineage).
     */
    private final Set<String> unusable = new HashSet<>();

    /**
     * @param checkpoints {@link ItemEmbedder#MODELS}
     * @param digests     {@link ItemEmbedder#MODEL_DIGESTS}
     */
    ServedModels(CatalogModels models, BroadcastState<String, byte[]> checkpoints,
            BroadcastState<String, String> digests) {
        this.models = models;
        this.checkpoints = checkpoints;
        this.digests = digests;
    }

    /** Whether the catalog has a model at all (its items wait for the first version's pass otherwise). */
    boolean has(String catalog) throws Exception {
        return checkpoints.get(catalog) != null;
    }

    /**
     * Serves {@code release} from now on, here and in the broadcast state.
     *
     * @throws IllegalStateException when the release's version disagrees with its checkpoint's
     */
    void serve(ModelRelease release) throws Exception {
        models.load(release);
        checkpoints.put(release.catalog, release.checkpoint);
        digests.put(release.catalog, release.checkpointDigest());
        unusable.remove(release.catalog);
    }

    /**
     * Serves a release restored from a checkpoint (a version that waited): as {@link #serve}, but a model this
     * embedder cannot rebuild is kept in state as unusable (see {@link #unusable}) instead of failing the
     * restore, which would restart the job into the same failure.
     */
    void serveRestored(ModelRelease release) throws Exception {
        try {
            serve(release);
        } catch (MissingBackboneFileException e) {
            throw e; // no file at all: the restore stops the job, as for every other missing backbone file
        } catch (IllegalArgumentException e) {
            LOG.warn("catalog {}: the restored model v{} cannot be rebuilt ({}); its items wait for its next version",
                    release.catalog, release.version, e.getMessage());
            checkpoints.put(release.catalog, release.checkpoint);
            digests.put(release.catalog, release.checkpointDigest());
            unusable.add(release.catalog);
        }
    }

    /** The model loaded most recently for the catalog, without loading one from state. */
    CatalogModels.Loaded current(String catalog) {
        return models.get(catalog);
    }

    /**
     * The catalog's model, loaded from broadcast state on first use after a restore; null when there is
     * none, or when the restored one cannot be rebuilt here (see {@link #unusable}).
     */
    CatalogModels.Loaded loaded(String catalog) throws Exception {
        CatalogModels.Loaded current = models.get(catalog);
        if (current == null && !unusable.contains(catalog)) {
            byte[] encoded = checkpoints.get(catalog);
            if (encoded != null) {
                String digest = digests.get(catalog);
                try {
                    models.load(catalog, encoded, digest != null ? digest : Sha256.hex(encoded));
                } catch (IllegalArgumentException e) {
                    // failing would restart the job into the same failure; its items are stored and
                    // the next version's pass embeds them
                    LOG.warn("catalog {}: the restored model cannot be rebuilt ({}); its items wait for its next "
                            + "version", catalog, e.getMessage());
                    unusable.add(catalog);
                    return null;
                }
                current = models.get(catalog);
            }
        }
        return current;
    }

    /** Whether the catalog's restored model could not be rebuilt: its version is never through here. */
    boolean isUnusable(String catalog) {
        return unusable.contains(catalog);
    }

    @Override
    public void close() {
        models.close();
    }
}
