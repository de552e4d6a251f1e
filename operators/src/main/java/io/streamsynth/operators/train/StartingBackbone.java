package io.streamsynth.operators.train;

import io.streamsynth.model.train.BackboneFile;
import io.streamsynth.model.train.BackboneWeights;
import io.streamsynth.model.train.EmbeddingModel;
import io.streamsynth.operators.backbone.BackboneFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A new catalog's model starts from the pretrained torchvision backbone the settings name, if any. */
final class StartingBackbone {
    private static final Logger LOG = LoggerFactory.getLogger(StartingBackbone.class);

    private StartingBackbone() {}

    /**
     * Copies {@link TrainerSettings#backboneWeights()} into {@code model} when set for a torchvision
     * architecture; nothing otherwise.
     *
     * @throws RuntimeException when the file cannot be read, or changed since start-up (its sha256 differs)
     */
    static void applyTo(EmbeddingModel model, TrainerSettings settings, String catalog) {
        if (settings.backboneWeights() == null || !settings.architecture().isTorchvision()) {
            return;
        }
        BackboneFile file = BackboneFiles.read(settings.backboneWeights());
        if (settings.architecture().backboneSha256() != null) {
            file.requireSha256(settings.architecture().backboneSha256());
        }
        BackboneWeights weights = BackboneWeights.of(file);
        weights.applyTo(model).forEach(note -> LOG.info("catalog {}: {}", catalog, note));
        LOG.info("catalog {}: backbone from {} (sha256 {})", catalog, weights.source(), weights.sha256());
    }
}
