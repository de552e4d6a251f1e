package io.streamsynth.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.streamsynth.model.checkpoint.SafeTensors;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.train.EmbeddingModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bad --backbone-weights stops `train` before it contacts Kafka or Flink, with exit code 2. */
class BackboneFlagsTest {
    private static final String NO_BROKER = "localhost:1";
    private static final String[] RGB = {"--image-channels", "3", "--image-resize", "32", "--image-crop", "32"};

    @TempDir
    static Path dir;
    private static Path resnet18;

    /** A resnet18 state_dict as our export writes it, torchvision's names. */
    @BeforeAll
    static void writeResnet18Weights() throws Exception {
        try (EmbeddingModel m = new EmbeddingModel(new Architecture(Architecture.Kind.RESNET18, 3, 32, 32, 8, 64),
                Device.cpu(), 1)) {
            resnet18 = dir.resolve("resnet18.safetensors");
            Files.write(resnet18, SafeTensors.write(new LinkedHashMap<>(m.exportWeights()), Map.of()));
        }
    }

    private static CommandRun train(String... extra) {
        String[] args = {"train", "--bootstrap-servers", NO_BROKER};
        String[] all = Arrays.copyOf(args, args.length + RGB.length + extra.length);
        System.arraycopy(RGB, 0, all, args.length, RGB.length);
        System.arraycopy(extra, 0, all, args.length + RGB.length, extra.length);
        return CommandRun.of(all);
    }

    @Test
    void aPathThatDoesNotExistExitsTwoNamingIt() {
        CommandRun run = train("--architecture", "resnet18", "--backbone-weights", "/nowhere/r18.safetensors");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("/nowhere/r18.safetensors", "no such file");
    }

    @Test
    void aTruncatedFileExitsTwo() throws Exception {
        byte[] whole = Files.readAllBytes(resnet18);
        Path cut = Files.write(dir.resolve("cut.safetensors"), Arrays.copyOf(whole, whole.length - 100));

        CommandRun run = train("--architecture", "resnet18", "--backbone-weights", cut.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("cut.safetensors are not a valid safetensors file");
    }

    @Test
    void weightsForAnotherArchitectureExitTwoNamingTheTensors() {
        CommandRun run = train("--architecture", "resnet50", "--backbone-weights", resnet18.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("do not fit resnet50", "missing [layer1.0.conv3.weight");
    }

    @Test
    void weightsForTheSmallCnnAreRefused() {
        CommandRun run = train("--architecture", "cnn", "--backbone-weights", resnet18.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--backbone-weights needs --architecture resnet18 or resnet50");
    }

    @Test
    void theRetiredSmallResnetPointsToResnet18() {
        CommandRun run = train("--architecture", "resnet");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("was retired; use resnet18");
    }

    @Test
    void fineTuningFlagsOutOfRangeExitTwo() {
        assertThat(train("--backbone-lr-factor", "0").err()).contains("backbone-lr-factor must be in (0, 1]");
        assertThat(train("--freeze-backbone-steps", "-3").exitCode()).isEqualTo(2);
        assertThat(train("--pooling", "max").err()).contains("pooling must be avg or gem");
    }
}
