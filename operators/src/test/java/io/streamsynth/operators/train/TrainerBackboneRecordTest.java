package io.streamsynth.operators.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.model.checkpoint.CheckpointCodec;
import io.streamsynth.model.checkpoint.CheckpointMetadata;
import io.streamsynth.model.checkpoint.SafeTensors;
import io.streamsynth.model.checkpoint.Sha256;
import io.streamsynth.model.checkpoint.Tensor;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.runtime.DeviceSpec;
import io.streamsynth.operators.settings.CatalogSettings;
import io.streamsynth.operators.settings.CatalogSettingsBuilder;
import io.streamsynth.operators.settings.CatalogSettingsJson;
import io.streamsynth.operators.settings.CatalogSettingsResolver;
import io.streamsynth.operators.types.ModelRelease;
import io.streamsynth.operators.types.TrainerInput;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A catalogs-topic record with {@code backbone_weights}: the catalog's version 0 is the pretrained backbone
 * under a seeded head (issue 11, part 7), and a record that brings the file to a catalog already training
 * starts a new lineage from it. The record is stamped as the decoder stamps it
 * ({@link CatalogSettingsJson#checked}), resolved as the job resolves it.
 */
class TrainerBackboneRecordTest {
    private static final CatalogSettings JOB = new CatalogSettingsBuilder().channels(1).resize(12).crop(12)
            .embeddingSize(8).baseFilters(4).build();
    private static final String RESNET18 = "{\"schema_version\":1,\"image_channels\":3,\"image_resize\":32,"
            + "\"image_crop\":32,\"architecture\":\"resnet18\",\"embedding_size\":8";

    @TempDir
    static Path dir;
    private static Path weights;
    private static Map<String, Tensor> pretrained;

    @BeforeAll
    static void unpackResnet18() throws IOException {
        weights = dir.resolve("resnet18.safetensors");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(Path.of("..", "model", "src", "test",
                "resources", "backbone", "resnet18_weights.safetensors.gz")))) {
            Files.write(weights, in.readAllBytes());
        }
        pretrained = SafeTensors.read(Files.readAllBytes(weights)).tensors();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, TrainerInput, ModelRelease> harness()
            throws Exception {
        CatalogSettingsResolver resolver = new CatalogSettingsResolver(JOB, 5, DeviceSpec.parse("cpu"), 100, 4,
                IncompatibleStatePolicy.FAIL, 64, 100, null);
        return new KeyedOneInputStreamOperatorTestHarness<>(new TrainerOperator(resolver), in -> in.catalog,
                Types.STRING);
    }

    /** The record's value as the decoder stamps it: with the sha256 its check found. */
    private static byte[] stamped(String record) {
        return CatalogSettingsJson.checked("shop", record.getBytes(StandardCharsets.UTF_8), JOB).stamped();
    }

    private static TrainerInput seen(long revision, byte[] settings) {
        TrainerInput in = new TrainerInput();
        in.kind = TrainerInput.CATALOG_SEEN;
        in.catalog = "shop";
        in.labels = new String[0];
        in.pixels = new byte[0];
        in.settingsRevision = revision;
        in.settings = settings;
        return in;
    }

    private static Map<String, Tensor> weightsOf(ModelRelease release) {
        return CheckpointCodec.decode(release.checkpoint).readWeights().tensors();
    }

    private static void assertStartsFromTheBackbone(ModelRelease release) throws IOException {
        CheckpointMetadata metadata = CheckpointCodec.decode(release.checkpoint).metadata();
        assertThat(Architecture.fromMap(metadata.architecture()).backboneSha256())
                .isEqualTo(Sha256.hex(Files.readAllBytes(weights)));
        Map<String, Tensor> published = weightsOf(release);
        for (String name : List.of("conv1.weight", "layer2.0.downsample.0.weight", "layer4.1.conv2.weight",
                "bn1.running_var")) {
            assertThat(published.get(name)).as(name).isEqualTo(pretrained.get(name));
        }
        assertThat(published.get("fc.weight").shape()).as("our head, not torchvision's classifier")
                .containsExactly(8, 512);
    }

    @Test
    void aNewCatalogsVersionZeroIsTheRecordsPretrainedBackbone() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(new StreamRecord<>(seen(3, stamped(RESNET18 + ",\"backbone_weights\":\"" + weights
                    + "\"}"))));

            List<ModelRelease> out = h.extractOutputValues();
            assertThat(out).extracting(r -> r.version + "@" + r.step).containsExactly("0@0");
            assertStartsFromTheBackbone(out.get(0));
        }
    }

    @Test
    void aRecordThatBringsBackboneWeightsStartsANewLineageFromThem() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(new StreamRecord<>(seen(1, stamped(RESNET18 + "}"))));
            h.processElement(new StreamRecord<>(seen(2, stamped(RESNET18 + ",\"backbone_weights\":\"" + weights
                    + "\"}"))));

            List<ModelRelease> out = h.extractOutputValues();
            assertThat(out).extracting(r -> r.version + "@" + r.step).containsExactly("0@0", "1@0");
            assertThat(weightsOf(out.get(0)).get("conv1.weight")).as("version 0 from the seed")
                    .isNotEqualTo(pretrained.get("conv1.weight"));
            CheckpointMetadata lineage = CheckpointCodec.decode(out.get(1).checkpoint).metadata();
            assertThat(lineage.promotion()).containsEntry("reason", "new_lineage");
            assertThat(lineage.lineage()).containsKey("new_lineage");
            assertStartsFromTheBackbone(out.get(1));
        }
    }
}
