package io.streamsynth.operators.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsynth.model.image.ImageSpec;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.runtime.DeviceSpec;
import io.streamsynth.model.train.InvalidSettingException;
import io.streamsynth.operators.batch.BatchPolicy;
import io.streamsynth.operators.train.IncompatibleStatePolicy;
import io.streamsynth.operators.train.PromotionPolicy;
import io.streamsynth.operators.train.TrainerSettings;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CatalogSettingsBuilderTest {

    private static InvalidSettingException rejected(CatalogSettingsBuilder b) {
        try {
            b.build();
        } catch (InvalidSettingException e) {
            return e;
        }
        throw new AssertionError("built " + b + " without complaint");
    }

    @Test
    void defaultsAreTheGreyFashionMnistCatalogWithMultiSimilarityAndSymmetricalSynthesis() {
        CatalogSettings s = new CatalogSettingsBuilder().build();

        assertThat(s.image()).isEqualTo(ImageSpec.defaultsFor(1));
        assertThat(s.image().resize()).isEqualTo(28);
        assertThat(s.image().crop()).isEqualTo(28);
        assertThat(s.architecture()).isEqualTo(new Architecture(Architecture.Kind.CNN, 1, 28, 28, 128, 32,
                Architecture.Pooling.GEM));
        assertThat(s.backbone()).isNull();
        assertThat(s.training().loss()).isEqualTo("ms");
        assertThat(s.training().synthesis()).isEqualTo("symm");
        assertThat(s.training().syntheticPoints()).isEqualTo(2);
        assertThat(s.training().mining()).isEqualTo("paper");
        assertThat(s.training().optimizer()).isEqualTo("adam");
        assertThat(s.training().learningRate()).isEqualTo(1e-3f);
        assertThat(s.training().weightDecay()).isZero();
        assertThat(s.training().fineTuning().backboneLrFactor()).isEqualTo(1f);
        assertThat(s.classesPerBatch()).isEqualTo(4);
        assertThat(s.samplesPerClass()).isEqualTo(8);
        assertThat(s.publishEverySteps()).isEqualTo(200);
        assertThat(s.publishInterval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(s.promotion()).isEqualTo(new PromotionPolicy(0.005, Duration.ofSeconds(30)));
        assertThat(s.heldOutShare()).isEqualTo(0.1);
        assertThat(CatalogSettings.defaults()).isEqualTo(s);
    }

    @Test
    void rgbCatalogsTakeTorchvisionsImageNetRecipeAndTheNetworkFollowsTheCrop() {
        CatalogSettings s = new CatalogSettingsBuilder().channels(3).build();

        assertThat(s.image()).isEqualTo(new ImageSpec(3, 256, 224, ImageSpec.IMAGENET_MEAN, ImageSpec.IMAGENET_STD,
                ImageSpec.WHITE, true, 90));
        assertThat(List.of(s.architecture().channels(), s.architecture().height(), s.architecture().width()))
                .containsExactly(3, 224, 224);

        CatalogSettings small = new CatalogSettingsBuilder().channels(3).resize(72).crop(64).augment(false).build();
        assertThat(small.image().mean()).isEqualTo(ImageSpec.IMAGENET_MEAN);
        assertThat(small.image().augment()).isFalse();
        assertThat(small.architecture().height()).isEqualTo(64);
    }

    @Test
    void anOddKIsRejectedWithSynthesisAndTakenWithout() {
        InvalidSettingException e = rejected(new CatalogSettingsBuilder().samplesPerClass(7));
        assertThat(e.setting()).isEqualTo("samples-per-class");
        assertThat(e.asFlag()).isEqualTo("--samples-per-class must be even with synthesis symm (it pairs the "
                + "samples of a class), got 7");
        assertThat(e.asField()).startsWith("samples_per_class: must be even");

        CatalogSettingsBuilder ee = new CatalogSettingsBuilder().samplesPerClass(5);
        ee.training().synthesis("ee");
        assertThat(rejected(ee).reason()).contains("synthesis ee");

        CatalogSettingsBuilder none = new CatalogSettingsBuilder().samplesPerClass(5);
        none.training().synthesis("none");
        assertThat(none.build().samplesPerClass()).isEqualTo(5);
    }

    @Test
    void aBatchNeedsTwoClassesAndTwoSamplesOfEach() {
        assertThat(rejected(new CatalogSettingsBuilder().classesPerBatch(1)).setting()).isEqualTo("classes-per-batch");
        CatalogSettingsBuilder one = new CatalogSettingsBuilder().samplesPerClass(1);
        one.training().synthesis("none");
        assertThat(rejected(one).asFlag()).isEqualTo("--samples-per-class must be at least 2 (positives need two "
                + "samples), got 1");
    }

    @Test
    void theMinimumRefreshIntervalIsTwiceThePublishIntervalUntilSet() {
        CatalogSettingsBuilder b = new CatalogSettingsBuilder().publishInterval(Duration.ofSeconds(7));
        assertThat(b.build().promotion()).isEqualTo(new PromotionPolicy(0.005, Duration.ofSeconds(14)));

        b.promotionTolerance(0.02).minRefreshInterval(Duration.ofSeconds(60));
        assertThat(b.build().promotion()).isEqualTo(new PromotionPolicy(0.02, Duration.ofSeconds(60)));

        b.minRefreshInterval(Duration.ZERO);
        assertThat(b.build().promotion().minRefreshInterval()).isZero();
    }

    @Test
    void rangesAreCheckedNamingTheSetting() {
        assertThat(rejected(new CatalogSettingsBuilder().promotionTolerance(1.5)).setting())
                .isEqualTo("promotion-tolerance");
        assertThat(rejected(new CatalogSettingsBuilder().minRefreshInterval(Duration.ofSeconds(-1))).setting())
                .isEqualTo("min-refresh-interval");
        assertThat(rejected(new CatalogSettingsBuilder().minRefreshInterval(Duration.ofDays(400))).setting())
                .isEqualTo("min-refresh-interval");
        assertThat(rejected(new CatalogSettingsBuilder().heldOutShare(0.9)).asFlag())
                .isEqualTo("--held-out-share must be within 0..0.5, got 0.9");
        assertThat(rejected(new CatalogSettingsBuilder().publishEverySteps(0)).setting())
                .isEqualTo("publish-every-steps");
        assertThat(rejected(new CatalogSettingsBuilder().publishInterval(Duration.ZERO)).setting())
                .isEqualTo("publish-interval");
        assertThat(rejected(new CatalogSettingsBuilder().embeddingSize(1)).setting()).isEqualTo("embedding-size");
        assertThat(rejected(new CatalogSettingsBuilder().channels(2)).asFlag())
                .isEqualTo("--image-channels must be 1 or 3, got 2");
        InvalidSettingException crop = rejected(new CatalogSettingsBuilder().resize(20).crop(24));
        assertThat(crop.setting()).isEqualTo("image-*");
        assertThat(crop.reason()).contains("resize must be within crop (24)");
    }

    @Test
    void trainingSettingsNameThemselves() {
        CatalogSettingsBuilder b = new CatalogSettingsBuilder();
        b.training().mining("ours");
        assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mining must be paper or official").hasMessageContaining("'ours'");
        CatalogSettingsBuilder factor = new CatalogSettingsBuilder();
        factor.training().backboneLrFactor(0);
        assertThatThrownBy(factor::build).hasMessageContaining("backbone-lr-factor must be in (0, 1]");
    }

    @Test
    void aTorchScriptNetworkNeedsItsModuleAndKeepsItsProbedShape() {
        Architecture scripted = Architecture.torchScript(1, 28, 28, 16, Architecture.Pooling.AVG,
                new Architecture.ScriptedOutput(32, false), "ab".repeat(32));

        assertThat(rejected(new CatalogSettingsBuilder().network(scripted, null)).setting())
                .isEqualTo("architecture");
        CatalogSettings s = new CatalogSettingsBuilder().network(scripted, "/models/grey.pt").build();
        assertThat(s.architecture()).isEqualTo(scripted);
        assertThat(s.scriptedBackbone()).isEqualTo("/models/grey.pt");
        // the module was probed at 28 x 28: another crop cannot silently rebuild it
        InvalidSettingException e = rejected(new CatalogSettingsBuilder().network(scripted, "/models/grey.pt")
                .resize(32).crop(24));
        assertThat(e.setting()).isEqualTo("image-crop");
        assertThat(e.reason()).contains("1x24x24", "1x28x28");
    }

    @Test
    void backboneWeightsNeedATorchvisionNetwork() {
        Architecture cnn = new Architecture(Architecture.Kind.CNN, 1, 28, 28, 16, 8);
        assertThat(rejected(new CatalogSettingsBuilder().network(cnn, "/weights/r18.safetensors")).setting())
                .isEqualTo("backbone-weights");
        CatalogSettings resnet = new CatalogSettingsBuilder().channels(3).resize(64).crop(64)
                .architecture(Architecture.Kind.RESNET18).build();
        assertThat(resnet.architecture().kind()).isEqualTo(Architecture.Kind.RESNET18);
        assertThat(resnet.scriptedBackbone()).isNull();
    }

    @Test
    void aBuiltNetworkIsRebuiltWhenTheImageShapeChanges() {
        CatalogSettings grey = new CatalogSettingsBuilder().embeddingSize(16).build();
        CatalogSettings rgb = grey.toBuilder().channels(3).resize(40).crop(32).build();

        assertThat(rgb.architecture()).isEqualTo(new Architecture(Architecture.Kind.CNN, 3, 32, 32, 16, 32,
                Architecture.Pooling.GEM));
        assertThat(rgb.sameModelShape(grey)).isFalse();
        assertThat(grey.toBuilder().publishEverySteps(5).build().sameModelShape(grey)).isTrue();
    }

    @Test
    void aBuilderFromSettingsBuildsTheSameSettings() {
        CatalogSettingsBuilder b = new CatalogSettingsBuilder().channels(3).resize(80).crop(64).classesPerBatch(6)
                .samplesPerClass(4).publishEverySteps(7).publishInterval(Duration.ofMillis(2500))
                .promotionTolerance(0.01).heldOutShare(0.2).embeddingSize(64).background(0x102030);
        b.training().loss("triplet").synthesis("ee").eePoints(3).learningRate(3e-3f);
        CatalogSettings s = b.build();

        assertThat(s.toBuilder().build()).isEqualTo(s);
        // the promotion interval was resolved from the publish interval: it stays, whatever the cadence now
        assertThat(s.toBuilder().publishInterval(Duration.ofSeconds(9)).build().promotion().minRefreshInterval())
                .isEqualTo(Duration.ofMillis(5000));
    }

    @Test
    void theTrainerAndBatchBuilderSettingsCarryTheCatalogsFields() {
        CatalogSettings s = new CatalogSettingsBuilder().classesPerBatch(5).samplesPerClass(6).publishEverySteps(9)
                .build();

        TrainerSettings t = s.trainer(7, DeviceSpec.parse("cpu"), 300, 12, IncompatibleStatePolicy.NEW_LINEAGE);
        assertThat(t.architecture()).isEqualTo(s.architecture());
        assertThat(t.training()).isEqualTo(s.training());
        assertThat(t.image()).isEqualTo(s.image());
        assertThat(t.promotion()).isEqualTo(s.promotion());
        assertThat(t.publishEverySteps()).isEqualTo(9);
        assertThat(List.of(t.seed(), (long) t.heldOutCapacity(), (long) t.evaluationMinItems())).containsExactly(7L,
                300L, 12L);
        assertThat(t.onIncompatibleState()).isEqualTo(IncompatibleStatePolicy.NEW_LINEAGE);

        BatchPolicy half = s.batches(7, 256, 1000, null);
        assertThat(half).isEqualTo(new BatchPolicy(5, 6, 256, 1000, 15, 7));
        assertThat(s.batches(7, 64, 50, 4).freshPerBatch()).isEqualTo(4);
    }

    @Test
    void theHeadPoolsByGemForTheSmallCnnAndByAverageForTheResNetsUnlessAsked() {
        assertThat(new CatalogSettingsBuilder().build().architecture().pooling()).isEqualTo(Architecture.Pooling.GEM);
        assertThat(new CatalogSettingsBuilder().channels(3).architecture(Architecture.Kind.RESNET18).build()
                .architecture().pooling()).isEqualTo(Architecture.Pooling.AVG);
        assertThat(new CatalogSettingsBuilder().pooling(Architecture.Pooling.AVG).build().architecture().pooling())
                .isEqualTo(Architecture.Pooling.AVG);
        assertThat(new CatalogSettingsBuilder().channels(3).pooling(Architecture.Pooling.GEM)
                .architecture(Architecture.Kind.RESNET50).build().architecture().pooling())
                .isEqualTo(Architecture.Pooling.GEM);
    }
}
