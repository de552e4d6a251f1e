package io.streamsynth.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.streamsynth.model.checkpoint.SafeTensors;
import io.streamsynth.model.checkpoint.Tensor;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.net.TorchvisionFixtures;
import io.streamsynth.model.runtime.HostArrays;
import io.streamsynth.model.runtime.NoGrad;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackboneWeightsTest {
    @TempDir
    Path dir;

    private Path resnet18File() throws IOException {
        Path file = dir.resolve("resnet18.safetensors");
        Files.write(file, TorchvisionFixtures.resnet18Weights());
        return file;
    }

    @Test
    void torchvisionResnet18WeightsGiveTorchvisionsFeaturesAndLeaveOurHeadAlone() throws IOException {
        SafeTensors.Contents reference = TorchvisionFixtures.resnet18Reference();
        Tensor input = reference.tensor("input");
        try (EmbeddingModel m = new EmbeddingModel(TorchvisionFixtures.resnet(Architecture.Kind.RESNET18, 16),
                Device.cpu(), 1); NDManager scratch = m.manager().newSubManager()) {
            Tensor headBefore = m.exportWeights().get("fc.weight");

            List<String> notes = BackboneWeights.read(resnet18File()).applyTo(m);

            NDArray images = HostArrays.floats(scratch, input.data(), new Shape(input.shape()));
            TorchvisionFixtures.assertClose(NoGrad.call(() -> m.features(images).toFloatArray()),
                    reference.tensor("features").data(), 1e-4);
            assertThat(m.exportWeights().get("fc.weight")).isEqualTo(headBefore);
            assertThat(notes).singleElement().asString().contains("ignored the classifier [fc.weight, fc.bias]");
        }
    }

    @Test
    void weightsOfAnotherArchitectureAreRejectedNamingTheTensors() throws IOException {
        BackboneWeights weights = BackboneWeights.read(resnet18File());
        try (EmbeddingModel m = new EmbeddingModel(TorchvisionFixtures.resnet(Architecture.Kind.RESNET50, 16),
                Device.cpu(), 1)) {
            Tensor before = m.exportWeights().get("conv1.weight");

            assertThatThrownBy(() -> weights.applyTo(m))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("do not fit resnet50")
                    .hasMessageContaining("missing [layer1.0.conv3.weight")
                    .hasMessageContaining("wrong shape [layer1.0.conv1.weight [64, 64, 3, 3] (the network's is [64, 64, 1, 1])");
            assertThat(m.exportWeights().get("conv1.weight")).as("nothing half-loaded").isEqualTo(before);
        }
    }

    @Test
    void anUnexpectedTensorIsNamed() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>(SafeTensors.read(TorchvisionFixtures.resnet18Weights()).tensors());
        tensors.put("layer5.0.conv1.weight", Tensor.vector(1f, 2f));
        Path file = dir.resolve("extra.safetensors");
        Files.write(file, SafeTensors.write(new LinkedHashMap<>(tensors), Map.of()));
        try (EmbeddingModel m = new EmbeddingModel(TorchvisionFixtures.resnet(Architecture.Kind.RESNET18, 16),
                Device.cpu(), 1)) {
            assertThatThrownBy(() -> BackboneWeights.read(file).applyTo(m))
                    .hasMessageContaining("1 unexpected [layer5.0.conv1.weight]")
                    .hasMessageNotContaining("missing");
        }
    }

    @Test
    void aTruncatedFileIsRejectedAtReading() throws IOException {
        byte[] whole = TorchvisionFixtures.resnet18Weights();
        Path file = dir.resolve("truncated.safetensors");
        Files.write(file, Arrays.copyOf(whole, whole.length / 2));

        assertThatThrownBy(() -> BackboneWeights.read(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("truncated.safetensors are not a valid safetensors file (truncated, or another format?)");
    }

    @Test
    void aMissingFileIsNamed() {
        Path file = dir.resolve("nowhere.safetensors");

        assertThatThrownBy(() -> BackboneWeights.read(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("backbone weights " + file + ": no such file");
    }

    @Test
    void theDigestIsTheFilesSha256() throws IOException {
        Path file = resnet18File();
        assertThat(BackboneWeights.read(file).sha256())
                .isEqualTo(io.streamsynth.model.checkpoint.Sha256.hex(Files.readAllBytes(file)));
    }
}
