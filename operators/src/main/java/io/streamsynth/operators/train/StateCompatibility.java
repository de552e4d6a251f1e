package io.streamsynth.operators.train;

import io.streamsynth.model.checkpoint.CheckpointMetadata;
import io.streamsynth.model.net.Architecture;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a restored catalog state fits the job's settings. Only what the state's tensors depend
 * on counts: the architecture (the weights' shapes, and the backbone file the weights started from,
 * by its sha256: a TorchScript module's code and buffers live in that file) and the optimizer (the
 * kind of moments it keeps). Learning rate, momentum, weight decay, loss, synthesis and the publish cadence are not in
 * the tensors, so a change of them is compatible and simply applies from the next step.
 */
final class StateCompatibility {
    private StateCompatibility() {}

    /**
     * Why the restored state cannot be used with {@code settings}, or empty when it can. With {@code ownSnapshot}
     * (this job wrote the state, and it records every backbone file's sha256) the architecture must be the same
     * exactly; otherwise a checkpoint without {@code backbone_sha256} is taken for one written before the digest
     * was recorded, and fits the same network over any backbone file.
     */
    static Optional<String> problem(CheckpointMetadata restored, TrainerSettings settings, boolean ownSnapshot) {
        Architecture saved = Architecture.fromMap(restored.architecture());
        Architecture configured = settings.architecture();
        if (ownSnapshot ? !configured.equals(saved) : !configured.accepts(saved)) {
            if (withoutBackboneFile(saved).equals(withoutBackboneFile(configured))) {
                return Optional.of("the restored model started from " + origin(saved) + " but the job's "
                        + (configured.backboneSha256() == null ? "settings start it from random weights"
                                : "backbone file has sha256 " + configured.backboneSha256()));
            }
            return Optional.of("the restored model is " + describe(saved) + " but the job configures "
                    + describe(configured));
        }
        Object savedOptimizer = restored.hyperParameters().get("optimizer");
        String configuredOptimizer = settings.training().optimizer();
        if (savedOptimizer != null && !configuredOptimizer.equals(savedOptimizer)) {
            return Optional.of("the restored optimizer state is " + savedOptimizer + "'s but the job configures --optimizer "
                    + configuredOptimizer);
        }
        return Optional.empty();
    }

    private static Map<String, Object> withoutBackboneFile(Architecture a) {
        Map<String, Object> m = a.toMap();
        m.remove("backbone_sha256");
        return m;
    }

    private static String origin(Architecture a) {
        return a.backboneSha256() == null ? "random weights" : "the backbone file with sha256 " + a.backboneSha256();
    }

    private static String describe(Architecture a) {
        return a.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + a.channels() + "x" + a.height() + "x"
                + a.width() + " -> " + a.embeddingSize() + " (--embedding-size), base filters " + a.baseFilters()
                + ", " + a.pooling().name().toLowerCase(java.util.Locale.ROOT) + " pooling (--pooling)"
                + (a.scripted() == null ? "" : ", TorchScript backbone output " + a.scripted());
    }
}
