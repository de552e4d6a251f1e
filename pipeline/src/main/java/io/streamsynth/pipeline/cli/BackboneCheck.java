package io.streamsynth.pipeline.cli;

import ai.djl.Device;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.train.BackboneWeights;
import io.streamsynth.model.train.EmbeddingModel;
import java.nio.file.Path;

/**
 * Loads {@code --backbone-weights} into a throw-away CPU model of the job's architecture before the
 * job is submitted, so a missing, truncated or mismatched file stops the command (exit code 2) with
 * the tensors named, instead of failing every catalog's first event on the cluster.
 */
final class BackboneCheck {
    private BackboneCheck() {}

    static void verify(Architecture architecture, Path file) {
        if (!architecture.isTorchvision()) {
            throw new IllegalArgumentException("--backbone-weights needs --architecture resnet18 or resnet50, not "
                    + architecture.kind().name().toLowerCase(java.util.Locale.ROOT));
        }
        BackboneWeights weights = BackboneWeights.read(file);
        try (EmbeddingModel probe = new EmbeddingModel(architecture, Device.cpu(), 0)) {
            weights.applyTo(probe).forEach(System.err::println);
        }
        System.err.println("backbone weights " + file + " fit " + architecture.kind().name().toLowerCase(java.util.Locale.ROOT)
                + " (sha256 " + weights.sha256() + ")");
    }
}
