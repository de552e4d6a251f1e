package io.streamsynth.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.model.checkpoint.Sha256;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.pipeline.job.JobConfig;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --backbone-torchscript on `train` and `offline`: a good module becomes the job's network (F from the
 * probe, sha256 recorded); a bad one stops the command with exit code 2 before Kafka, Flink or training.
 * The modules are the model module's fixtures (make_torchscript_fixtures.py).
 */
class TorchScriptFlagsTest {
    private static final Path FIXTURES = Path.of("..", "model", "src", "test", "resources", "torchscript");
    private static final Path GREY = FIXTURES.resolve("grey_pooled.pt");
    private static final String NO_BROKER = "localhost:1";

    @TempDir
    Path dir;

    private static CommandRun train(String... extra) {
        String[] args = {"train", "--bootstrap-servers", NO_BROKER};
        String[] all = Arrays.copyOf(args, args.length + extra.length);
        System.arraycopy(extra, 0, all, args.length, extra.length);
        return CommandRun.of(all);
    }

    private static CommandRun offline(String... extra) {
        String[] args = {"offline", "--steps", "2", "--threads", "2", "--device", "cpu"};
        String[] all = Arrays.copyOf(args, args.length + extra.length);
        System.arraycopy(extra, 0, all, args.length, extra.length);
        return CommandRun.of(all);
    }

    @Test
    void aGoodModuleBecomesTheJobsNetworkForTrainerAndEmbedder() throws Exception {
        JobOptions options = new JobOptions();
        options.backboneTorchScript = GREY.toString();
        options.embeddingSize = 16;

        JobConfig config = options.toConfig(NO_BROKER);

        Architecture a = config.trainer().architecture();
        String absolute = GREY.toAbsolutePath().normalize().toString();
        assertThat(a.kind()).isEqualTo(Architecture.Kind.TORCHSCRIPT);
        assertThat(a.scripted()).isEqualTo(new Architecture.ScriptedOutput(32, false));
        assertThat(a.backboneSha256()).isEqualTo(Sha256.hex(Files.readAllBytes(GREY)));
        assertThat(config.trainer().backboneWeights()).isEqualTo(absolute);
        assertThat(config.embedder().scriptedBackbone()).isEqualTo(absolute);
    }

    @Test
    void aPathThatDoesNotExistExitsTwoNamingIt() {
        CommandRun run = train("--backbone-torchscript", "/nowhere/backbone.pt");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("backbone file /nowhere/backbone.pt: no such file");

        CommandRun offline = offline("--data", "/nowhere", "--backbone-torchscript", "/nowhere/backbone.pt");
        assertThat(offline.exitCode()).isEqualTo(2);
        assertThat(offline.err()).contains("/nowhere/backbone.pt: no such file");
        assertThat(offline.out()).isEmpty();
    }

    @Test
    void aTruncatedModuleExitsTwo() throws Exception {
        byte[] whole = Files.readAllBytes(GREY);
        Path cut = Files.write(dir.resolve("cut.pt"), Arrays.copyOf(whole, whole.length - 1000));

        CommandRun run = train("--backbone-torchscript", cut.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("cut.pt is not a TorchScript module (truncated");
    }

    @Test
    void aModuleWhoseOutputIsNotFeaturesExitsTwo() {
        String rank3 = FIXTURES.resolve("rank3_output.pt").toString();
        CommandRun run = train("--backbone-torchscript", rank3);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("it must return float32 N x F or N x F x h x w");

        CommandRun offline = offline("--data", "/nowhere", "--backbone-torchscript", rank3);
        assertThat(offline.exitCode()).isEqualTo(2);
        assertThat(offline.err()).contains("it must return float32 N x F or N x F x h x w");
        assertThat(offline.out()).isEmpty();
    }

    @Test
    void aModuleForOtherImagesExitsTwoNamingTheInputTried() {
        CommandRun run = train("--backbone-torchscript", FIXTURES.resolve("mobilenet_map.pt").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("fails on a 2 x 1 x 28 x 28 float32 input");
    }

    @Test
    void weightsForAnotherArchitectureAreNoModule() throws Exception {
        Path weights = Files.write(dir.resolve("resnet18.safetensors"),
                Files.readAllBytes(FIXTURES.resolve("grey_pooled_reference.safetensors")));

        CommandRun run = train("--backbone-torchscript", weights.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("resnet18.safetensors is not a TorchScript module");
    }

    @Test
    void conflictingBackboneFlagsExitTwo() {
        assertThat(train("--architecture", "resnet18", "--backbone-torchscript", GREY.toString()).err())
                .contains("--backbone-torchscript is the backbone of --architecture torchscript, not resnet18");
        assertThat(train("--architecture", "torchscript").err())
                .contains("--architecture torchscript needs --backbone-torchscript FILE.pt");
        CommandRun both = train("--backbone-weights", GREY.toString(), "--backbone-torchscript", GREY.toString());
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("exclude each other");
    }

    /** `offline` prints its JSON line on System.out; a small Fashion-MNIST-shaped folder keeps the run short. */
    @Test
    void offlineFineTunesTheModuleUnderOurHead() throws Exception {
        Path data = Files.createDirectories(dir.resolve("fashion"));
        writeSplit(data, "train", 8, new Random(1));
        writeSplit(data, "t10k", 4, new Random(2));
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        CommandRun run;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            run = offline("--data", data.toString(), "--backbone-torchscript", GREY.toString(), "--synthesis", "symm",
                    "--freeze-backbone-steps", "1");
        } finally {
            System.setOut(stdout);
        }

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(captured.toString(StandardCharsets.UTF_8)).contains("\"architecture\":\"torchscript\"",
                "\"backbone_sha256\":\"" + Sha256.hex(Files.readAllBytes(GREY)), "\"steps\":2");
    }

    /** {@code perClass} 28 x 28 grey images of each of the ten classes: a bar whose place is the class. */
    private static void writeSplit(Path data, String prefix, int perClass, Random random) throws IOException {
        int n = 10 * perClass;
        ByteArrayOutputStream images = new ByteArrayOutputStream();
        DataOutputStream img = new DataOutputStream(images);
        img.writeInt(0x803);
        img.writeInt(n);
        img.writeInt(28);
        img.writeInt(28);
        ByteArrayOutputStream labels = new ByteArrayOutputStream();
        DataOutputStream lab = new DataOutputStream(labels);
        lab.writeInt(0x801);
        lab.writeInt(n);
        for (int i = 0; i < n; i++) {
            int label = i % 10;
            lab.writeByte(label);
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    boolean bar = Math.abs(y - (2 + 2 * label)) <= 1;
                    img.writeByte(Math.max(0, Math.min(255, (bar ? 200 : 30) + (int) (20 * random.nextGaussian()))));
                }
            }
        }
        img.flush();
        lab.flush();
        Files.write(data.resolve(prefix + "-images-idx3-ubyte"), images.toByteArray());
        Files.write(data.resolve(prefix + "-labels-idx1-ubyte"), labels.toByteArray());
    }
}
