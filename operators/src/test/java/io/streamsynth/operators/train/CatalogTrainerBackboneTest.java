package io.streamsynth.operators.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.streamsynth.model.checkpoint.SafeTensors;
import io.streamsynth.model.checkpoint.Tensor;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.runtime.DeviceSpec;
import io.streamsynth.model.train.EmbeddingModel;
import io.streamsynth.model.train.TrainingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A new catalog starts from the pretrained backbone; the head keeps its seeded initialisation. */
class CatalogTrainerBackboneTest {
    private static final Architecture RESNET18 = new Architecture(Architecture.Kind.RESNET18, 3, 32, 32, 8, 64);

    private static TrainerSettings settings(String backbone) {
        return new TrainerSettings(RESNET18, new TrainingConfig("triplet", Float.NaN, "ee", 2, "adam", 1e-3f, 0.9f, 0f),
                5, DeviceSpec.parse("cpu"), 10, Duration.ofHours(1), 100, 4, backbone);
    }

    @Test
    void aNewCatalogStartsFromTheBackboneWeightsWithItsSeededHead(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pretrained.safetensors");
        Map<String, Tensor> pretrained;
        try (EmbeddingModel other = new EmbeddingModel(RESNET18, Device.cpu(), 99)) {
            pretrained = other.exportWeights();
            Files.write(file, SafeTensors.write(new LinkedHashMap<>(pretrained), Map.of()));
        }
        try (CatalogTrainer withBackbone = CatalogTrainer.create("shop", settings(file.toString()), 0);
                CatalogTrainer plain = CatalogTrainer.create("shop", settings(null), 0)) {
            Map<String, Tensor> loaded = withBackbone.model().exportWeights();

            assertThat(loaded.get("layer3.1.conv2.weight")).isEqualTo(pretrained.get("layer3.1.conv2.weight"));
            assertThat(loaded.get("bn1.running_var")).isEqualTo(pretrained.get("bn1.running_var"));
            assertThat(loaded.get("fc.weight")).isEqualTo(plain.model().exportWeights().get("fc.weight"))
                    .isNotEqualTo(pretrained.get("fc.weight"));
        }
    }

    @Test
    void aBackboneFileThatVanishedFailsTheCatalogNamingIt(@TempDir Path dir) {
        String missing = dir.resolve("gone.safetensors").toString();

        assertThatThrownBy(() -> CatalogTrainer.create("shop", settings(missing), 0))
                .hasMessageContaining(missing).hasMessageContaining("no such file");
    }

    @Test
    void backboneWeightsNeedATorchvisionArchitecture() {
        assertThatThrownBy(() -> new TrainerSettings(Batches.ARCHITECTURE,
                new TrainingConfig("triplet", Float.NaN, "ee", 2, "adam", 1e-3f, 0.9f, 0f), 5, DeviceSpec.parse("cpu"),
                10, Duration.ofHours(1), 100, 4, "/models/r18.safetensors"))
                .hasMessageContaining("backbone weights need a torchvision architecture");
    }
}
