package io.streamsynth.model.checkpoint;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small, fully populated checkpoints for tests. */
final class TestCheckpoints {

    private TestCheckpoints() {
    }

    static CheckpointMetadata metadataWithoutSha() {
        Map<String, Object> architecture = new LinkedHashMap<>();
        architecture.put("backbone", "mlp");
        architecture.put("embedding_dim", 64);
        architecture.put("hidden", List.of(128, 64));
        Map<String, Object> hyperParameters = new LinkedHashMap<>();
        hyperParameters.put("learning_rate", 0.001);
        hyperParameters.put("loss", "proxy_anchor");
        hyperParameters.put("normalize", true);
        Map<String, Double> evaluation = new LinkedHashMap<>();
        evaluation.put("r_at_1", 0.625);
        evaluation.put("nmi", 0.5);
        return CheckpointMetadata.withoutWeightsSha("offline", 3, 1200, 1_700_000_000_000L,
                architecture, hyperParameters, evaluation);
    }

    static byte[] weights() {
        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("layer0.weight", new Tensor(new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}));
        tensors.put("layer0.bias", Tensor.vector(0.1f, -0.1f));
        return SafeTensors.write(tensors, Map.of("format", "pt"));
    }

    static byte[] optimizerState() {
        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("layer0.weight.m", new Tensor(new long[] {2, 3}, new float[6]));
        tensors.put("layer0.weight.v", new Tensor(new long[] {2, 3}, new float[6]));
        return SafeTensors.write(tensors, Map.of("adam_step", "1200", "beta1", "0.9"));
    }

    static Checkpoint checkpoint() {
        return Checkpoint.of(metadataWithoutSha(), weights(), optimizerState());
    }
}
