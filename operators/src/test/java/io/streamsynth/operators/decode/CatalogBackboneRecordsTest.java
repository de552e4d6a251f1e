package io.streamsynth.operators.decode;

import static io.streamsynth.operators.decode.TestEvents.bytes;
import static io.streamsynth.operators.decode.TestEvents.validEvent;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamsynth.model.checkpoint.Sha256;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.runtime.DeviceSpec;
import io.streamsynth.operators.settings.CatalogSettings;
import io.streamsynth.operators.settings.CatalogSettingsBuilder;
import io.streamsynth.operators.settings.CatalogSettingsResolver;
import io.streamsynth.operators.train.IncompatibleStatePolicy;
import io.streamsynth.operators.train.TrainerSettings;
import io.streamsynth.operators.types.DeadLetter;
import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.ItemKey;
import io.streamsynth.operators.types.RawEvent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithNonKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backbone files named by catalogs-topic records (README, "Catalog settings"): checked when the decoder takes
 * the record, the check's sha256 stamped on the catalog's events, every bad file refused like any bad record.
 * Over the model module's fixtures: a torchvision resnet18 state_dict and traced TorchScript modules.
 */
class CatalogBackboneRecordsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path FIXTURES = Path.of("..", "model", "src", "test", "resources");
    private static final String GREY_MODULE = FIXTURES.resolve("torchscript/grey_pooled.pt").toAbsolutePath()
            .normalize().toString();
    private static final String RANK3_MODULE = FIXTURES.resolve("torchscript/rank3_output.pt").toAbsolutePath()
            .normalize().toString();
    /** The job's flags: grey 12 x 12, small cnn. */
    private static final CatalogSettings JOB = new CatalogSettingsBuilder().channels(1).resize(12).crop(12)
            .embeddingSize(8).baseFilters(4).build();

    @TempDir
    static Path dir;
    private static Path resnet18;
    private static String resnet18Sha;

    private BroadcastOperatorTestHarness<RawEvent, RawEvent, ImageSample> harness;
    private CatalogSettingsResolver resolver;

    @BeforeAll
    static void unpackResnet18() throws IOException {
        resnet18 = dir.resolve("resnet18.safetensors");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(
                FIXTURES.resolve("backbone/resnet18_weights.safetensors.gz")))) {
            Files.write(resnet18, in.readAllBytes());
        }
        resnet18Sha = Sha256.hex(Files.readAllBytes(resnet18));
    }

    @BeforeEach
    void open() throws Exception {
        harness = harness(null);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static CatalogSettingsResolver resolver() {
        return new CatalogSettingsResolver(JOB, 1, DeviceSpec.parse("cpu"), 100, 2, IncompatibleStatePolicy.FAIL, 64,
                100, null);
    }

    private BroadcastOperatorTestHarness<RawEvent, RawEvent, ImageSample> harness(OperatorSubtaskState from)
            throws Exception {
        resolver = resolver();
        var h = new BroadcastOperatorTestHarness<>(new CoBroadcastWithNonKeyedOperator<>(
                new DecodeEvents(EventLimits.defaults(), resolver), List.of(DecodeEvents.CATALOG_SETTINGS)), 1, 1, 0);
        if (from != null) {
            h.initializeState(from);
        }
        h.open();
        return h;
    }

    /** An RGB resnet18 catalog at 32 x 32 over {@code weights}. */
    private static ObjectNode resnet(String architecture, String weights) {
        return JSON.createObjectNode().put("schema_version", 1).put("image_channels", 3).put("image_resize", 32)
                .put("image_crop", 32).put("architecture", architecture).put("embedding_size", 8)
                .put("backbone_weights", weights);
    }

    /** A grey catalog at 28 x 28 over a TorchScript module. */
    private static ObjectNode scripted(String module) {
        return JSON.createObjectNode().put("schema_version", 1).put("image_channels", 1).put("image_resize", 28)
                .put("image_crop", 28).put("architecture", "torchscript").put("embedding_size", 8)
                .put("backbone_torchscript", module);
    }

    private static RawEvent settings(String catalog, ObjectNode record, long offset) throws IOException {
        return new RawEvent(catalog.getBytes(StandardCharsets.UTF_8), JSON.writeValueAsBytes(record), "catalogs", 0,
                offset, 0, 0);
    }

    private static RawEvent event(String catalog, String item, long offset) {
        byte[] value = bytes(validEvent().put("catalog", catalog).put("item_id", item).put("event_id", item));
        return new RawEvent(ItemKey.encode(catalog, item), value, "images", 0, offset, 0, 0);
    }

    private List<ImageSample> samples() {
        return harness.extractOutputValues();
    }

    private List<DeadLetter> deadLetters() {
        var side = harness.getSideOutput(DecodeEvents.DEAD_LETTERS);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void aRecordsBackboneWeightsAreCheckedOnceAndTheirSha256StampedOnItsEvents() throws Exception {
        Path copy = Files.copy(resnet18, dir.resolve("once.safetensors"));
        harness.processBroadcastElement(settings("shop", resnet("resnet18", copy.toString()), 6), 1);
        // read once, when the record arrived: the events after it need no file
        Files.delete(copy);
        harness.processElement(event("shop", "s-1", 0), 2);
        harness.processElement(event("shop", "s-2", 1), 3);

        assertThat(deadLetters()).isEmpty();
        assertThat(samples()).hasSize(2).allSatisfy(s -> {
            assertThat(List.of(s.channels, s.height, s.width)).containsExactly(3, 32, 32);
            assertThat(s.settingsRevision).isEqualTo(7);
        });
        var stamped = JSON.readTree(samples().get(0).settings);
        assertThat(stamped.get("backbone_sha256").textValue()).isEqualTo(resnet18Sha);
        assertThat(stamped.get("backbone_weights").textValue()).isEqualTo(copy.toString());
        TrainerSettings trainer = resolver().trainer(samples().get(0).settings);
        assertThat(trainer.architecture().kind()).isEqualTo(Architecture.Kind.RESNET18);
        assertThat(trainer.architecture().backboneSha256()).as("recorded for checkpoints and restores")
                .isEqualTo(resnet18Sha);
        assertThat(trainer.backboneWeights()).isEqualTo(copy.toString());
    }

    @Test
    void aTorchScriptRecordIsProbedAndItsOutputStampedWithItsSha256() throws Exception {
        harness.processBroadcastElement(settings("grey", scripted(GREY_MODULE), 0), 1);
        harness.processElement(event("grey", "g-1", 0), 2);

        assertThat(deadLetters()).isEmpty();
        var stamped = JSON.readTree(samples().get(0).settings);
        assertThat(stamped.get("backbone_sha256").textValue())
                .isEqualTo(Sha256.hex(Files.readAllBytes(Path.of(GREY_MODULE))));
        assertThat(stamped.get("backbone_output").textValue()).isEqualTo("features");
        Architecture a = resolver().settings(samples().get(0).settings).architecture();
        assertThat(a.kind()).isEqualTo(Architecture.Kind.TORCHSCRIPT);
        assertThat(a.scripted().features()).isEqualTo(stamped.get("backbone_features").intValue()).isPositive();
        assertThat(resolver().settings(samples().get(0).settings).scriptedBackbone()).isEqualTo(GREY_MODULE);
    }

    @Test
    void everyBadBackboneFileIsDeadLetteredOnceNamingTheFieldAndTheCatalogKeepsItsLastValidSettings()
            throws Exception {
        Path truncated = dir.resolve("truncated.safetensors");
        byte[] whole = Files.readAllBytes(resnet18);
        Files.write(truncated, Arrays.copyOf(whole, whole.length / 2));
        Path folder = Files.createDirectories(dir.resolve("a-folder.safetensors"));
        harness.processBroadcastElement(settings("shop", resnet("resnet18", resnet18.toString()), 0), 1);
        List<ObjectNode> bad = List.of(
                resnet("resnet18", dir.resolve("missing.safetensors").toString()),
                resnet("resnet18", folder.toString()),
                resnet("resnet18", "nosuchscheme://bucket/r18.safetensors"),
                resnet("resnet18", truncated.toString()),
                resnet("resnet50", resnet18.toString()),
                scripted(RANK3_MODULE),
                resnet("resnet18", resnet18.toString()).put("backbone_sha256", "0".repeat(64)),
                resnet("cnn", resnet18.toString()),
                scripted(GREY_MODULE).put("architecture", "resnet18").put("image_channels", 3));
        for (int i = 0; i < bad.size(); i++) {
            harness.processBroadcastElement(settings("shop", bad.get(i), 1 + i), 2 + i);
        }
        harness.processElement(event("shop", "s-1", 0), 20);

        assertThat(deadLetters()).hasSize(bad.size())
                .allSatisfy(d -> assertThat(d.reason).isEqualTo(DecodeEvents.INVALID_CATALOG_SETTINGS));
        List<String> details = deadLetters().stream().map(d -> d.detail).toList();
        assertThat(details.get(0)).startsWith("backbone_weights: ").contains("missing.safetensors", "no such file");
        assertThat(details.get(1)).startsWith("backbone_weights: ").contains("is a folder");
        assertThat(details.get(2)).startsWith("backbone_weights: ").contains("no file system serves its scheme");
        assertThat(details.get(3)).startsWith("backbone_weights: ").contains("truncated.safetensors",
                "not a valid safetensors file");
        assertThat(details.get(4)).startsWith("backbone_weights: ").contains("do not fit resnet50",
                "missing [layer1.0.conv3.weight");
        assertThat(details.get(5)).startsWith("backbone_torchscript: ").contains("rank3_output.pt returns float32 (2, 8, 49)");
        assertThat(details.get(6)).startsWith("backbone_sha256: ").contains(resnet18Sha);
        assertThat(details.get(7)).startsWith("backbone_weights: ").contains("resnet18 or resnet50", "not cnn");
        assertThat(details.get(8)).startsWith("backbone_torchscript: ").contains("architecture torchscript");
        ImageSample kept = samples().get(0);
        assertThat(kept.settingsRevision).as("the last valid record").isEqualTo(1);
        assertThat(JSON.readTree(kept.settings).get("backbone_sha256").textValue()).isEqualTo(resnet18Sha);
    }

    @Test
    void aRestoredDecoderKeepsTheCheckedRecordWithoutReadingTheFileAgain() throws Exception {
        Path copy = Files.copy(resnet18, dir.resolve("restored.safetensors"));
        harness.processBroadcastElement(settings("shop", resnet("resnet18", copy.toString()), 3), 1);
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();
        Files.delete(copy);

        harness = harness(snapshot);
        harness.processElement(event("shop", "s-1", 0), 2);

        assertThat(deadLetters()).isEmpty();
        assertThat(samples().get(0).settingsRevision).isEqualTo(4);
        assertThat(JSON.readTree(samples().get(0).settings).get("backbone_sha256").textValue()).isEqualTo(resnet18Sha);
    }
}
