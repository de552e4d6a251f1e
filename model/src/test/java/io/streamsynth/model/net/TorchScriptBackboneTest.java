package io.streamsynth.model.net;

import static io.streamsynth.model.net.TorchvisionFixtures.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.streamsynth.model.checkpoint.SafeTensors;
import io.streamsynth.model.checkpoint.Tensor;
import io.streamsynth.model.train.BackboneFile;
import io.streamsynth.model.train.EmbeddingModel;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A TorchScript module under our head, against the PyTorch outputs of make_torchscript_fixtures.py. */
class TorchScriptBackboneTest {

    private static float[] run(EmbeddingModel model, Tensor input, boolean embeddings) {
        try (NDManager batch = model.manager().newSubManager()) {
            NDArray x = batch.create(input.data(), new Shape(input.shape()));
            return (embeddings ? model.forward(x, false) : model.features(x)).toFloatArray();
        }
    }

    @Test
    void featureMapBackbonePlusHeadMatchesPyTorch() throws Exception {
        SafeTensors.Contents ref = TorchScriptFixtures.reference("mobilenet_reference.safetensors");
        Architecture a = TorchScriptFixtures.architecture(TorchScriptFixtures.MOBILENET, 3, 64, 16,
                Architecture.Pooling.AVG);
        assertThat(a.scripted()).isEqualTo(new Architecture.ScriptedOutput(144, true));
        try (EmbeddingModel model = new EmbeddingModel(a, Device.cpu(), 1,
                TorchScriptFixtures.file(TorchScriptFixtures.MOBILENET))) {
            model.importSome(Map.of("fc.weight", ref.tensors().get("fc.weight"), "fc.bias",
                    ref.tensors().get("fc.bias")));
            Tensor input = ref.tensors().get("input");

            assertClose(run(model, input, false), ref.tensors().get("features").data(), 1e-4);
            assertClose(run(model, input, true), ref.tensors().get("embeddings").data(), 1e-4);
        }
    }

    @Test
    void pooledBackboneGoesStraightToTheHeadUnderItsOwnParameterNames() throws Exception {
        SafeTensors.Contents ref = TorchScriptFixtures.reference("grey_pooled_reference.safetensors");
        Architecture a = TorchScriptFixtures.architecture(TorchScriptFixtures.GREY, 1, 28, 8,
                Architecture.Pooling.AVG);
        assertThat(a.scripted()).isEqualTo(new Architecture.ScriptedOutput(32, false));
        try (EmbeddingModel model = new EmbeddingModel(a, Device.cpu(), 1,
                TorchScriptFixtures.file(TorchScriptFixtures.GREY))) {
            assertClose(run(model, ref.tensors().get("input"), false), ref.tensors().get("features").data(), 1e-4);
            assertThat(model.net().parameters().keySet()).containsExactly("body.0.weight", "body.1.weight",
                    "body.1.bias", "body.4.weight", "body.5.weight", "body.5.bias", "body.8.weight", "body.8.bias",
                    "fc.weight", "fc.bias");
            assertThat(model.net().scripted().normalisationAffine()).extracting(p -> p.getName())
                    .containsExactly("body.1.weight", "body.1.bias", "body.5.weight", "body.5.bias");
        }
    }

    @Test
    void gemPoolingNeedsAFeatureMap() throws Exception {
        assertThatThrownBy(() -> TorchScriptFixtures.architecture(TorchScriptFixtures.GREY, 1, 28, 8,
                Architecture.Pooling.GEM)).hasMessageContaining("--pooling gem needs a TorchScript backbone that "
                        + "outputs a feature map");
    }

    @Test
    void outputThatIsNeitherFeaturesNorAMapIsRejected() throws Exception {
        BackboneFile f = TorchScriptFixtures.file("rank3_output.pt");
        assertThatThrownBy(() -> TorchScriptBackbone.inspect(f, 1, 28, 28))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rank3_output.pt returns float32 (2, 8, 49)")
                .hasMessageContaining("it must return float32 N x F or N x F x h x w");
    }

    @Test
    void truncatedFileIsNotATorchScriptModule() throws Exception {
        byte[] whole = TorchScriptFixtures.bytes(TorchScriptFixtures.GREY);
        BackboneFile cut = BackboneFile.of("cut.pt", Arrays.copyOf(whole, whole.length / 2));
        assertThatThrownBy(() -> TorchScriptBackbone.inspect(cut, 1, 28, 28))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("TorchScript backbone cut.pt is not a TorchScript module (truncated, or saved "
                        + "with torch.save instead of torch.jit.save?)");
    }

    @Test
    void safetensorsWeightsAreNotATorchScriptModule() throws Exception {
        BackboneFile weights = BackboneFile.of("weights.safetensors",
                TorchScriptFixtures.bytes("grey_pooled_reference.safetensors"));
        assertThatThrownBy(() -> TorchScriptBackbone.inspect(weights, 1, 28, 28))
                .hasMessageContaining("weights.safetensors is not a TorchScript module");
    }

    @Test
    void inputTheModuleCannotTakeIsRejectedWithTheShapeTried() throws Exception {
        BackboneFile rgb = TorchScriptFixtures.file(TorchScriptFixtures.MOBILENET);
        assertThatThrownBy(() -> TorchScriptBackbone.inspect(rgb, 1, 28, 28))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mobilenet_map.pt fails on a 2 x 1 x 28 x 28 float32 input");
    }

    @Test
    void moduleTracedInTrainingModeIsRejected() throws Exception {
        BackboneFile f = TorchScriptFixtures.file("batch_statistics.pt");
        assertThatThrownBy(() -> TorchScriptBackbone.inspect(f, 1, 28, 28))
                .hasMessageContaining("an image's output depends on the rest of its batch")
                .hasMessageContaining("model.eval() before torch.jit.trace");
    }

    @Test
    void parametersNamedLikeOurHeadAreRejected() throws Exception {
        BackboneFile f = TorchScriptFixtures.file("classifier_named.pt");
        assertThatThrownBy(() -> TorchScriptBackbone.inspect(f, 1, 28, 28))
                .hasMessageContaining("has a parameter 'fc.weight'")
                .hasMessageContaining("torch.nn.Identity()");
    }

    @Test
    void anotherFileThanTheArchitecturesIsRefused() throws Exception {
        Architecture a = TorchScriptFixtures.architecture(TorchScriptFixtures.GREY, 1, 28, 8,
                Architecture.Pooling.AVG);
        BackboneFile other = TorchScriptFixtures.file("batch_statistics.pt");
        assertThatThrownBy(() -> new EmbeddingModel(a, Device.cpu(), 1, other))
                .hasMessageContaining("batch_statistics.pt has sha256 " + other.sha256())
                .hasMessageContaining("built from a file with sha256 " + a.backboneSha256());
        assertThatThrownBy(() -> new EmbeddingModel(a, Device.cpu(), 1))
                .hasMessageContaining("its .pt file is needed (--backbone-torchscript)");
    }

    @Test
    void architectureTravelsWithFeaturesAndSha256() throws Exception {
        Architecture a = TorchScriptFixtures.architecture(TorchScriptFixtures.MOBILENET, 3, 64, 16,
                Architecture.Pooling.GEM);
        Map<String, Object> m = a.toMap();
        assertThat(m).containsEntry("kind", "torchscript").containsEntry("backbone_features", 144)
                .containsEntry("backbone_output", "feature_map").containsEntry("backbone_sha256", a.backboneSha256());
        assertThat(Architecture.fromMap(m)).isEqualTo(a);
        assertThat(List.of(a.withBackboneSha256("0".repeat(64)))).doesNotContain(a);
    }
}
