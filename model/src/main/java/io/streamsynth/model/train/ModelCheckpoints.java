package io.streamsynth.model.train;

import ai.djl.Device;
import io.streamsynth.model.checkpoint.Checkpoint;
import io.streamsynth.model.checkpoint.CheckpointMetadata;
import io.streamsynth.model.checkpoint.SafeTensors;
import io.streamsynth.model.net.Architecture;
import java.util.LinkedHashMap;
import java.util.Map;

/** Turns a training state into a {@link Checkpoint} and back. */
public final class ModelCheckpoints {
    private static final String STEPS_KEY = "optimizer_steps";

    private ModelCheckpoints() {}

    /**
     * Snapshots the weights, the optimizer state and the metadata.
     *
     * @param evaluation last evaluation figures, e.g. r_at_1 and nmi; may be empty
     */
    public static Checkpoint snapshot(TrainingStep training, TrainingConfig config, String catalog, long modelVersion,
            Map<String, Double> evaluation) {
        EmbeddingModel model = training.model();
        ParameterOptimizer optimizer = training.optimizer();
        byte[] weights = SafeTensors.write(new LinkedHashMap<>(model.exportWeights()),
                Map.of("format", "pt", "producer", "streamsynth"));
        byte[] state = SafeTensors.write(new LinkedHashMap<>(optimizer.exportState()),
                Map.of(STEPS_KEY, Long.toString(optimizer.steps())));
        Map<String, Object> hyper = new LinkedHashMap<>(config.toMap());
        hyper.put("optimizer_parameters", optimizer.hyperParameters());
        CheckpointMetadata metadata = CheckpointMetadata.withoutWeightsSha(catalog, modelVersion, optimizer.steps(),
                System.currentTimeMillis(), model.architecture().toMap(), hyper, evaluation);
        return Checkpoint.of(metadata, weights, state);
    }

    /** Loads weights and optimizer state into a training step built for the same architecture. */
    public static void restore(Checkpoint checkpoint, TrainingStep training) {
        checkpoint.verifyWeights();
        Architecture expected = training.model().architecture();
        Architecture actual = Architecture.fromMap(checkpoint.metadata().architecture());
        if (!expected.accepts(actual)) {
            throw new IllegalArgumentException("checkpoint is for " + actual + " but the model is " + expected);
        }
        training.model().importWeights(checkpoint.readWeights().tensors());
        SafeTensors.Contents state = checkpoint.readOptimizerState();
        String steps = state.metadata().get(STEPS_KEY);
        if (steps == null) {
            throw new IllegalArgumentException("checkpoint optimizer state lacks " + STEPS_KEY);
        }
        training.optimizer().importState(state.tensors(), Long.parseLong(steps));
    }

    /** A model with the checkpoint's architecture and weights, for inference only; a built-in network. */
    public static EmbeddingModel loadModel(Checkpoint checkpoint, Device device) {
        return loadModel(checkpoint, device, null);
    }

    /**
     * A model with the checkpoint's architecture and weights, for inference only. A {@code torchscript}
     * network is rebuilt from a fresh load of its module, {@code scriptedBackbone} (the file whose sha256
     * the checkpoint records as {@code backbone_sha256}), with the checkpoint's weights copied over the
     * module's parameters; the module's buffers (batch-norm statistics) are the file's, which training
     * never changes.
     *
     * @throws IllegalArgumentException when a torchscript checkpoint comes without its module, or with another
     */
    public static EmbeddingModel loadModel(Checkpoint checkpoint, Device device, BackboneFile scriptedBackbone) {
        checkpoint.verifyWeights();
        Architecture architecture = Architecture.fromMap(checkpoint.metadata().architecture());
        EmbeddingModel model = new EmbeddingModel(architecture, device, 0,
                architecture.kind() == Architecture.Kind.TORCHSCRIPT ? scriptedBackbone : null);
        try {
            model.importWeights(checkpoint.readWeights().tensors());
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }
}
