package io.streamsynth.operators.train;

import ai.djl.Device;
import io.streamsynth.model.checkpoint.SafeTensors;
import io.streamsynth.model.image.Preprocessing;
import io.streamsynth.model.train.EmbeddingModel;
import java.util.Map;

/**
 * The promoted version's weights, kept beside the training model so the promotion gate can compare a
 * candidate with the served model on the same held-out items: the served model is evaluated again only
 * when those items changed since its last evaluation.
 */
final class PromotedModel implements AutoCloseable {
    private final TrainerSettings settings;
    private final Device device;
    /** Null while no promoted version is comparable (none yet, or one of another network). */
    private EmbeddingModel model;
    /** {@link #model}'s weights as safetensors bytes, as published or restored: what a snapshot stores. */
    private byte[] weights;
    /** The promoted model's figures on the held-out items of {@link #generation}. */
    private Map<String, Double> figures;
    private long generation = -1;

    PromotedModel(TrainerSettings settings, Device device) {
        this.settings = settings;
        this.device = device;
    }

    /**
     * Keeps a copy of {@code current}'s weights, with the figures just computed for them on the held-out
     * items of {@code heldOutGeneration}; {@code published} are the same weights as safetensors bytes.
     */
    void adopt(EmbeddingModel current, byte[] published, Map<String, Double> currentFigures, long heldOutGeneration) {
        if (model == null) {
            model = newModel();
        }
        model.importWeights(current.exportWeights());
        weights = published;
        figures = currentFigures;
        generation = heldOutGeneration;
    }

    /**
     * The promoted model's figures on the current held-out items (evaluated again only when they
     * changed), or null when no promoted model can be compared.
     */
    Map<String, Double> figures(HeldOutSet heldOut, Preprocessing preprocessing) {
        if (model == null) {
            return null;
        }
        if (figures == null || generation != heldOut.generation()) {
            figures = heldOut.evaluate(model, preprocessing, settings.evaluationMinItems(), settings.seed());
            generation = heldOut.generation();
        }
        return figures;
    }

    /** True when a promoted model is held to compare candidates with (see {@link #figures}). */
    boolean comparable() {
        return model != null;
    }

    /** The promoted weights as safetensors bytes, or null when there is no promoted model. */
    byte[] weights() {
        return model == null ? null : weights;
    }

    /** The promoted weights a snapshot kept (safetensors); their figures are computed when first asked for. */
    void restore(byte[] safetensors) {
        if (model == null) {
            model = newModel();
        }
        model.importWeights(SafeTensors.read(safetensors).tensors());
        weights = safetensors;
        figures = null;
        generation = -1;
    }

    private EmbeddingModel newModel() {
        return new EmbeddingModel(settings.architecture(), device, settings.seed(), settings.readScriptedBackbone());
    }

    @Override
    public void close() {
        if (model != null) {
            model.close();
        }
    }
}
