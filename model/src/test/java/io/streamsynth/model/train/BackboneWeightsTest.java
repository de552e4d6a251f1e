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
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

    /** Grey bar images of {@link GeneratedImages}, each plane repeated for R, G and B. */
    private static float[] rgb(int[] labels, int size, Random random) {
        float[] grey = GeneratedImages.batch(labels, size, random);
        int plane = size * size;
        float[] out = new float[3 * grey.length];
        for (int n = 0; n < labels.length; n++) {
            for (int c = 0; c < 3; c++) {
                System.arraycopy(grey, n * plane, out, (3 * n + c) * plane, plane);
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}, backbone frozen for {1} steps")
    @CsvSource({"ee, 0", "symm, 0", "symm, 1000"})
    void fineTuningAPretrainedResnet18LowersTheLossAndMovesTheBackboneUnlessFrozen(String synthesis, int frozenSteps)
            throws IOException {
        int[] labels = GeneratedImages.pk(2, 4);
        // 32 x 32: a quarter of the fixture's compute; the weights do not depend on the input size
        float[] batch = rgb(labels, 32, new Random(5));
        TrainingConfig config = new TrainingConfig("ms", Float.NaN, synthesis, 2, "adam", 1e-3f, 0.9f, 0f)
                .withFineTuning(new FineTuning(0.1f, false, frozenSteps));
        try (EmbeddingModel m = new EmbeddingModel(new Architecture(Architecture.Kind.RESNET18, 3, 32, 32, 16, 64),
                Device.cpu(), 1); TrainingStep step = new TrainingStep(m, config)) {
            BackboneWeights.read(resnet18File()).applyTo(m);
            Map<String, Tensor> before = m.exportWeights();

            float first = step.run(batch, labels).loss();
            float last = first;
            for (int s = 0; s < 5; s++) {
                last = step.run(batch, labels).loss();
            }
            Map<String, Tensor> after = m.exportWeights();

            assertThat(last).as("loss after 6 steps on one batch, first " + first).isLessThan(first);
            assertThat(after.get("fc.weight")).isNotEqualTo(before.get("fc.weight"));
            for (String backbone : new String[] {"conv1.weight", "layer4.1.conv2.weight", "layer2.0.bn1.running_mean"}) {
                if (frozenSteps > 0) {
                    assertThat(after.get(backbone)).as(backbone).isEqualTo(before.get(backbone));
                } else {
                    assertThat(after.get(backbone)).as(backbone).isNotEqualTo(before.get(backbone));
                }
            }
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
