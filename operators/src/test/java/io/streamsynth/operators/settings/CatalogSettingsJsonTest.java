package io.streamsynth.operators.settings;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamsynth.model.image.ImageSpec;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.train.InvalidSettingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CatalogSettingsJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CatalogSettings JOB = CatalogSettings.defaults();

    /** The smallest valid record: a 3 x 64 x 64 RGB catalog, the rest the job's. */
    private static ObjectNode minimal() {
        ObjectNode o = JSON.createObjectNode();
        o.put("schema_version", 1);
        o.put("image_channels", 3);
        o.put("image_resize", 72);
        o.put("image_crop", 64);
        o.put("architecture", "cnn");
        o.put("embedding_size", 32);
        return o;
    }

    private static byte[] bytes(ObjectNode o) {
        return o.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static InvalidSettingException rejected(byte[] value) {
        try {
            CatalogSettings s = CatalogSettingsJson.decode(value, JOB);
            throw new AssertionError("accepted " + new String(value, StandardCharsets.UTF_8) + " as " + s);
        } catch (InvalidSettingException e) {
            return e;
        }
    }

    @Test
    void aMinimalRecordGivesItsShapeAndTakesTheJobsValuesForTheRest() {
        CatalogSettings s = CatalogSettingsJson.decode(bytes(minimal()), JOB);

        assertThat(s.image()).isEqualTo(new ImageSpec(3, 72, 64, ImageSpec.IMAGENET_MEAN, ImageSpec.IMAGENET_STD,
                ImageSpec.WHITE, true, 90));
        assertThat(s.architecture()).isEqualTo(new Architecture(Architecture.Kind.CNN, 3, 64, 64, 32,
                JOB.architecture().baseFilters(), JOB.architecture().pooling()));
        assertThat(s.training()).isEqualTo(JOB.training());
        assertThat(s.classesPerBatch()).isEqualTo(JOB.classesPerBatch());
        assertThat(s.promotion()).isEqualTo(JOB.promotion());
        assertThat(s.sameModelShape(JOB)).isFalse();
    }

    @Test
    void aRecordWithoutPoolingTakesItsNetworksDefaultWhateverTheJobsPooling() {
        ObjectNode resnet = minimal().put("architecture", "resnet18");
        CatalogSettings averaging = new CatalogSettingsBuilder().pooling(Architecture.Pooling.AVG).build();
        CatalogSettings gemResnet = new CatalogSettingsBuilder().channels(3).resize(32).crop(32)
                .architecture(Architecture.Kind.RESNET18).pooling(Architecture.Pooling.GEM).build();

        assertThat(CatalogSettingsJson.decode(bytes(minimal()), JOB).architecture().pooling())
                .isEqualTo(Architecture.Pooling.GEM);
        assertThat(CatalogSettingsJson.decode(bytes(minimal()), averaging).architecture().pooling())
                .isEqualTo(Architecture.Pooling.GEM);
        assertThat(CatalogSettingsJson.decode(bytes(resnet), JOB).architecture().pooling())
                .isEqualTo(Architecture.Pooling.AVG);
        assertThat(CatalogSettingsJson.decode(bytes(resnet), gemResnet).architecture().pooling())
                .isEqualTo(Architecture.Pooling.AVG);
        assertThat(CatalogSettingsJson.decode(bytes(minimal().put("pooling", "avg")), JOB).architecture().pooling())
                .isEqualTo(Architecture.Pooling.AVG);
        assertThat(CatalogSettingsJson.decode(bytes(resnet.put("pooling", "gem")), averaging).architecture()
                .pooling()).isEqualTo(Architecture.Pooling.GEM);
    }

    @Test
    void everyFieldRoundTrips() {
        CatalogSettingsBuilder b = new CatalogSettingsBuilder().channels(3).resize(80).crop(64)
                .background(0x203040).storeQuality(75).architecture(Architecture.Kind.RESNET18)
                .pooling(Architecture.Pooling.GEM).embeddingSize(48).classesPerBatch(6).samplesPerClass(4)
                .publishEverySteps(20).publishInterval(Duration.ofMillis(2500)).promotionTolerance(0.01)
                .minRefreshInterval(Duration.ofSeconds(30)).heldOutShare(0.2);
        b.training().loss("triplet").margin(0.2f).synthesis("ee").eePoints(3).mining("official").optimizer("sgd")
                .learningRate(0.01f).momentum(0.8f).weightDecay(1e-4f).backboneLrFactor(0.1f).freezeBatchNorm(true)
                .freezeBackboneSteps(5);
        CatalogSettings s = b.build();

        assertThat(CatalogSettingsJson.decode(CatalogSettingsJson.encode(s), JOB)).isEqualTo(s);
        assertThat(CatalogSettingsJson.decode(CatalogSettingsJson.encode(JOB), JOB)).isEqualTo(JOB);
    }

    @Test
    void theRefreshIntervalIsTwiceARecordsPublishIntervalUnlessGiven() {
        ObjectNode o = minimal().put("publish_interval", 4);
        assertThat(CatalogSettingsJson.decode(bytes(o), JOB).promotion().minRefreshInterval())
                .isEqualTo(Duration.ofSeconds(8));
        o.put("min_refresh_interval", 0);
        assertThat(CatalogSettingsJson.decode(bytes(o), JOB).promotion().minRefreshInterval()).isZero();
    }

    @Test
    void anUnknownArchitectureIsRejectedNamingTheField() {
        InvalidSettingException e = rejected(bytes(minimal().put("architecture", "vgg16")));
        assertThat(e.asField()).startsWith("architecture: ").contains("cnn, resnet18, resnet50", "'vgg16'");

        InvalidSettingException scripted = rejected(bytes(minimal().put("architecture", "torchscript")));
        assertThat(scripted.setting()).isEqualTo("architecture");
        assertThat(scripted.reason()).contains("backbone_torchscript");
    }

    @Test
    void aNegativeSizeIsRejectedNamingTheField() {
        assertThat(rejected(bytes(minimal().put("image_crop", -64))).asField())
                .isEqualTo("image_crop: must be positive, got -64");
        assertThat(rejected(bytes(minimal().put("embedding_size", -1))).asField())
                .isEqualTo("embedding_size: must be positive, got -1");
        assertThat(rejected(bytes(minimal().put("samples_per_class", -8))).setting()).isEqualTo("samples-per-class");
        assertThat(rejected(bytes(minimal().put("image_crop", 100))).reason()).contains("resize must be within crop");
    }

    @Test
    void aMissingRequiredFieldIsRejectedNamingIt() {
        for (String field : new String[] {"image_channels", "image_resize", "image_crop", "architecture",
            "embedding_size"}) {
            ObjectNode o = minimal();
            o.remove(field);
            assertThat(rejected(bytes(o)).asField()).as(field).isEqualTo(field + ": is required");
        }
        ObjectNode noVersion = minimal();
        noVersion.remove("schema_version");
        assertThat(rejected(bytes(noVersion)).asField()).isEqualTo("schema_version: is required");
    }

    @Test
    void anUnknownSchemaVersionIsRejectedBeforeAnythingElse() {
        ObjectNode o = JSON.createObjectNode().put("schema_version", 2).put("colour_space", "lab");
        assertThat(rejected(bytes(o)).asField()).isEqualTo("schema_version: 2 is not supported; this job reads 1");
    }

    @Test
    void aMisspeltFieldIsRejectedRatherThanIgnored() {
        assertThat(rejected(bytes(minimal().put("sampels_per_class", 4))).asField())
                .isEqualTo("sampels_per_class: is not a catalog setting (schema version 1)");
    }

    @Test
    void wrongTypesAndBrokenRulesNameTheField() {
        assertThat(rejected(bytes(minimal().put("lr", "fast"))).asField()).isEqualTo("lr: must be a number, got \"fast\"");
        assertThat(rejected(bytes(minimal().put("augment", 1))).setting()).isEqualTo("augment");
        assertThat(rejected(bytes(minimal().put("image_channels", 2))).asField())
                .isEqualTo("image_channels: must be 1 or 3, got 2");
        assertThat(rejected(bytes(minimal().put("samples_per_class", 7))).asField())
                .startsWith("samples_per_class: must be even with synthesis symm");
        assertThat(rejected(bytes(minimal().put("loss", "hinge"))).setting()).isEqualTo("training");
        ObjectNode shortMean = minimal();
        shortMean.putArray("image_mean").add(0.5);
        assertThat(rejected(bytes(shortMean)).reason()).contains("mean needs 3 value(s)");
        assertThat(rejected("not json".getBytes(StandardCharsets.UTF_8)).setting()).isEqualTo("value");
        assertThat(rejected("[1]".getBytes(StandardCharsets.UTF_8)).asField()).isEqualTo("value: must be a JSON object");
        assertThat(rejected(null).setting()).isEqualTo("value");
    }

    /** A grey 28 x 28 catalog over the model module's traced grey_pooled.pt. */
    private static ObjectNode scripted() {
        return minimal().put("image_channels", 1).put("image_resize", 28).put("image_crop", 28)
                .put("architecture", "torchscript").put("backbone_torchscript", java.nio.file.Path.of("..", "model", "src",
                        "test", "resources", "torchscript", "grey_pooled.pt").toAbsolutePath().normalize().toString());
    }

    @Test
    void aCheckedBackboneRecordCarriesTheChecksFactsAndRoundTrips() throws Exception {
        CatalogSettingsJson.Checked checked = CatalogSettingsJson.checked("shop", bytes(scripted()), JOB);

        var stamped = JSON.readTree(checked.stamped());
        Architecture a = checked.settings().architecture();
        assertThat(stamped.get("backbone_sha256").textValue()).isEqualTo(a.backboneSha256()).hasSize(64);
        assertThat(stamped.get("backbone_features").intValue()).isEqualTo(a.scripted().features());
        assertThat(CatalogSettingsJson.decode(checked.stamped(), JOB)).as("downstream, without the file")
                .isEqualTo(checked.settings());
        assertThat(CatalogSettingsJson.decode(CatalogSettingsJson.encode(checked.settings()), JOB))
                .isEqualTo(checked.settings());
    }

    @Test
    void aBackboneRecordThatNoDecoderCheckedIsRefused() {
        InvalidSettingException unchecked = rejected(bytes(minimal().put("architecture", "resnet18")
                .put("backbone_weights", "/models/r18.safetensors")));
        assertThat(unchecked.asField()).startsWith("backbone_sha256: is required");
        InvalidSettingException noFile = rejected(bytes(minimal().put("backbone_sha256", "0".repeat(64))));
        assertThat(noFile.asField()).startsWith("backbone_sha256: describes a backbone file");
        InvalidSettingException both = rejected(bytes(scripted().put("backbone_weights", "/models/r18.safetensors")));
        assertThat(both.asField()).startsWith("backbone_torchscript: excludes backbone_weights");
    }

    @Test
    void aRecordNeverInheritsTheJobsBackboneFile() {
        CatalogSettings withBackbone = JOB.toBuilder().channels(3).resize(72).crop(64)
                .network(new Architecture(Architecture.Kind.RESNET18, 3, 64, 64, 32, 32).withBackboneSha256(
                        "a".repeat(64)), "/models/r18.safetensors").build();

        CatalogSettings s = CatalogSettingsJson.decode(bytes(minimal().put("architecture", "resnet18")), withBackbone);

        assertThat(s.backbone()).isNull();
        assertThat(s.architecture().backboneSha256()).isNull();
        assertThat(CatalogSettingsJson.decode(bytes(minimal()), withBackbone).architecture().kind())
                .as("a cnn record on a job with backbone weights").isEqualTo(Architecture.Kind.CNN);
    }
}
