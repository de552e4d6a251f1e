package io.streamsynth.model.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamsynth.model.checkpoint.Checkpoint;
import io.streamsynth.model.checkpoint.SafeTensors;
import io.streamsynth.model.checkpoint.Tensor;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.net.TorchScriptFixtures;
import io.streamsynth.model.train.EmbeddingModel;
import io.streamsynth.model.train.ModelCheckpoints;
import io.streamsynth.model.train.TrainingConfig;
import io.streamsynth.model.train.TrainingStep;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The export a PyTorch user gets: docs/python/rebuild_embedder.py rebuilds the embedder from
 * PREFIX.safetensors and PREFIX.card.json with torch/torchvision alone and reproduces our embeddings.
 * The round trip runs where Debian's /usr/bin/python3 has torch and torchvision (CI installs
 * python3-torch and python3-torchvision); elsewhere it is skipped.
 */
class PyTorchRoundTripTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    /** Tests run in the module's folder. */
    private static final Path SCRIPT = Path.of("../docs/python/rebuild_embedder.py");
    private static Boolean torchPresent;

    @TempDir
    Path dir;

    private static synchronized boolean torchPresent() {
        if (torchPresent == null) {
            try {
                Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import torch, torchvision")
                        .redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                torchPresent = p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (IOException e) {
                torchPresent = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                torchPresent = false;
            }
        }
        return torchPresent;
    }

    /** A checkpoint of the model after {@code steps} training steps (one makes batch-norm statistics not their defaults). */
    private Checkpoint trainedCheckpoint(EmbeddingModel model, int steps) {
        TrainingConfig config = new TrainingConfig("triplet", Float.NaN, "symm", 2, "adam", 1e-2f, 0.9f, 0f);
        Architecture a = model.architecture();
        int[] labels = {0, 0, 1, 1};
        Random random = new Random(4);
        try (TrainingStep step = new TrainingStep(model, config)) {
            for (int s = 0; s < steps; s++) {
                step.run(images(labels.length, a, random), labels);
            }
            return ModelCheckpoints.snapshot(step, config, "shop", 3, Map.of("r_at_1", 0.5));
        }
    }

    private static float[] images(int n, Architecture a, Random random) {
        float[] pixels = new float[n * a.pixelsPerImage()];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextFloat();
        }
        return pixels;
    }

    @ParameterizedTest(name = "{0} {1}x{2}x{3}, {4} pooling")
    @CsvSource({"CNN, 1, 16, 16, AVG", "CNN, 1, 28, 28, GEM", "RESNET18, 3, 32, 32, AVG", "RESNET18, 3, 32, 40, GEM"})
    void pytorchRebuildsTheEmbedderFromTheExportAndReproducesOurEmbeddings(Architecture.Kind kind, int channels,
            int height, int width, Architecture.Pooling pooling) throws Exception {
        assumeTrue(torchPresent(), "/usr/bin/python3 with torch and torchvision is not installed");
        Architecture a = new Architecture(kind, channels, height, width, 8, 4, pooling);
        try (EmbeddingModel model = new EmbeddingModel(a, Device.cpu(), 1)) {
            ModelExport.Files files = ModelExport.write(trainedCheckpoint(model, 1), dir.resolve("shop").toString());
            float[] pixels = images(5, a, new Random(9));
            float[][] ours = model.embed(pixels, 5);
            Path inputs = dir.resolve("inputs.safetensors");
            LinkedHashMap<String, Tensor> in = new LinkedHashMap<>();
            in.put("input", new Tensor(new long[] {5, channels, height, width}, pixels));
            Files.write(inputs, SafeTensors.write(in, Map.of()));
            Path out = dir.resolve("theirs.safetensors");

            Process p = new ProcessBuilder(PYTHON.toString(), SCRIPT.toString(), files.weights().toString(),
                    files.card().toString(), "--inputs", inputs.toString(), "--out", out.toString())
                    .redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(log).isZero();

            float[] theirs = SafeTensors.read(Files.readAllBytes(out)).tensor("embeddings").data();
            assertThat(theirs).hasSize(5 * 8);
            double worst = 0;
            for (int i = 0; i < 5; i++) {
                for (int j = 0; j < 8; j++) {
                    worst = Math.max(worst, Math.abs(ours[i][j] - theirs[i * 8 + j]));
                }
            }
            assertThat(worst).as("largest difference between our embeddings and PyTorch's").isLessThan(1e-5);
        }
    }

    /**
     * A torchscript model: the script loads the same .pt with torch.jit.load, copies the exported
     * parameters into it by their own names and adds the head (GeM over mobilenet's feature map here).
     */
    @Test
    void pytorchRebuildsATorchScriptEmbedderOverTheSameModule() throws Exception {
        assumeTrue(torchPresent(), "/usr/bin/python3 with torch and torchvision is not installed");
        Architecture a = TorchScriptFixtures.architecture(TorchScriptFixtures.MOBILENET, 3, 64, 8,
                Architecture.Pooling.GEM);
        Path module = Files.write(dir.resolve("backbone.pt"), TorchScriptFixtures.bytes(TorchScriptFixtures.MOBILENET));
        try (EmbeddingModel model = new EmbeddingModel(a, Device.cpu(), 1,
                TorchScriptFixtures.file(TorchScriptFixtures.MOBILENET))) {
            ModelExport.Files files = ModelExport.write(trainedCheckpoint(model, 1), dir.resolve("ts").toString());
            JsonNode card = new ObjectMapper().readTree(Files.readAllBytes(files.card()));
            assertThat(card.at("/architecture/network").asText()).contains("TorchScript module of sha256 "
                    + a.backboneSha256(), "144 x h x w feature maps, then GeM");
            assertThat(card.at("/rebuild").asText()).endsWith("--backbone-torchscript BACKBONE.pt");

            float[] pixels = images(3, a, new Random(9));
            float[][] ours = model.embed(pixels, 3);
            Path inputs = dir.resolve("inputs.safetensors");
            LinkedHashMap<String, Tensor> in = new LinkedHashMap<>();
            in.put("input", new Tensor(new long[] {3, 3, 64, 64}, pixels));
            Files.write(inputs, SafeTensors.write(in, Map.of()));
            Path out = dir.resolve("theirs.safetensors");

            Process p = new ProcessBuilder(PYTHON.toString(), SCRIPT.toString(), files.weights().toString(),
                    files.card().toString(), "--backbone-torchscript", module.toString(), "--inputs",
                    inputs.toString(), "--out", out.toString()).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(log).isZero();

            float[] theirs = SafeTensors.read(Files.readAllBytes(out)).tensor("embeddings").data();
            double worst = 0;
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 8; j++) {
                    worst = Math.max(worst, Math.abs(ours[i][j] - theirs[i * 8 + j]));
                }
            }
            assertThat(worst).as("largest difference between our embeddings and PyTorch's").isLessThan(1e-5);
        }
    }

    @Test
    void theCardCopiesTheRecipeTheCheckpointRecorded() throws Exception {
        Architecture a = new Architecture(Architecture.Kind.RESNET18, 3, 32, 32, 8, 4);
        java.util.Map<String, Object> recipe = new io.streamsynth.model.image.ImageSpec(3, 40, 32,
                java.util.List.of(0.485, 0.456, 0.406), java.util.List.of(0.229, 0.224, 0.225), 0xffffff, true, 90)
                .toMap();
        try (EmbeddingModel model = new EmbeddingModel(a, Device.cpu(), 1)) {
            Checkpoint checkpoint = trainedCheckpoint(model, 0).withPreprocessing(recipe);
            ModelExport.Files files = ModelExport.write(checkpoint, dir.resolve("recipe").toString());
            JsonNode card = new ObjectMapper().readTree(Files.readAllBytes(files.card()));

            assertThat(card.get("preprocessing")).isEqualTo(new ObjectMapper().valueToTree(recipe));
            assertThat(card.at("/preprocessing/scale").isMissingNode()).isTrue();
        }
    }

    @Test
    void theCardStatesNetworkPreprocessingNormalisationOutputAndTraining() throws Exception {
        Architecture a = new Architecture(Architecture.Kind.RESNET18, 3, 32, 32, 8, 4, Architecture.Pooling.GEM);
        try (EmbeddingModel model = new EmbeddingModel(a, Device.cpu(), 1)) {
            Checkpoint checkpoint = trainedCheckpoint(model, 0);
            ModelExport.Files files = ModelExport.write(checkpoint, dir.resolve("shop").toString());
            JsonNode card = new ObjectMapper().readTree(Files.readAllBytes(files.card()));

            assertThat(card.at("/architecture/network").asText())
                    .isEqualTo("torchvision.models.resnet18(num_classes=8) with avgpool replaced by GeM (learnt p: avgpool.p)");
            assertThat(card.at("/architecture/input/shape").toString()).isEqualTo("[\"N\",3,32,32]");
            assertThat(card.at("/architecture/batch_norm/epsilon").asDouble()).isEqualTo(1e-5);
            assertThat(card.at("/preprocessing/scale").asText()).isEqualTo("value / 255, giving [0, 1]");
            assertThat(card.at("/normalisation/eps").asDouble()).isEqualTo(1e-12, org.assertj.core.api.Assertions.within(1e-18));
            assertThat(card.at("/output/dimension").asInt()).isEqualTo(8);
            assertThat(card.at("/training/synthesis").asText()).isEqualTo("symm");
            assertThat(card.at("/training/step").asLong()).isZero();
            assertThat(card.at("/evaluation/r_at_1").asDouble()).isEqualTo(0.5);
            assertThat(card.at("/weights/file").asText()).isEqualTo("shop.safetensors");
            assertThat(card.at("/weights/sha256").asText()).isEqualTo(checkpoint.metadata().weightsSha256());
            assertThat(SafeTensors.read(Files.readAllBytes(files.weights())).tensors().keySet())
                    .startsWith("conv1.weight", "bn1.weight").contains("layer4.1.bn2.running_var", "avgpool.p", "fc.bias");
        }
    }
}
