package io.streamsynth.pipeline.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsynth.model.data.ImageLimits;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.runtime.DeviceSpec;
import io.streamsynth.model.train.InvalidSettingException;
import io.streamsynth.model.train.TrainingConfig;
import io.streamsynth.operators.batch.BatchPolicy;
import io.streamsynth.operators.decode.EventLimits;
import io.streamsynth.operators.dedup.DuplicateSettings;
import io.streamsynth.operators.embed.EmbedderSettings;
import io.streamsynth.operators.settings.CatalogSettings;
import io.streamsynth.operators.train.IncompatibleStatePolicy;
import io.streamsynth.operators.train.TrainerSettings;
import io.streamsynth.pipeline.kafka.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class JobConfigBuilderTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        JobConfig c = JobConfig.builder("kafka:9092").build();

        assertThat(c.topics()).isEqualTo(Topics.defaults());
        assertThat(c.groupId()).isEqualTo("streamsynth");
        assertThat(c.transactionalIdPrefix()).isEqualTo("streamsynth");
        assertThat(c.limits()).isEqualTo(EventLimits.defaults());
        assertThat(c.duplicates()).isEqualTo(DuplicateSettings.defaults());
        assertThat(c.catalog()).isEqualTo(CatalogSettings.defaults());
        assertThat(c.seed()).isEqualTo(1);
        assertThat(c.device()).isEqualTo(DeviceSpec.parse("auto"));
        assertThat(c.batches()).isEqualTo(new BatchPolicy(4, 8, 256, 1000, 16, 1));
        assertThat(c.heldOutShare()).isEqualTo(0.1);
        assertThat(c.heldOutCapacity()).isEqualTo(2000);
        assertThat(c.evaluationMinItems()).isEqualTo(10);
        assertThat(c.onIncompatibleState()).isEqualTo(IncompatibleStatePolicy.FAIL);
        assertThat(c.embedder()).isEqualTo(new EmbedderSettings(DeviceSpec.parse("auto"), 256, Duration.ofMillis(200))
                .withRefreshPauseFactor(1));
        assertThat(c.checkpointInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.maxChunkBytes()).isEqualTo(512 * 1024);
        assertThat(c.publishWhenIdle()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.kafkaProperties()).isEmpty();
    }

    @Test
    void theTrainerTakesTheCatalogSettingsAndTheJobsResources() {
        JobConfigBuilder b = JobConfig.builder("kafka:9092").seed(5).device(DeviceSpec.parse("cpu"))
                .heldOutCapacity(30).onIncompatibleState(IncompatibleStatePolicy.NEW_LINEAGE);
        b.catalog().publishEverySteps(3).training().loss("triplet");
        JobConfig c = b.build();

        assertThat(c.trainer().publishEverySteps()).isEqualTo(3);
        assertThat(c.trainer().training().loss()).isEqualTo("triplet");
        assertThat(c.trainer().seed()).isEqualTo(5);
        assertThat(c.trainer().device()).isEqualTo(DeviceSpec.parse("cpu"));
        assertThat(c.trainer().heldOutCapacity()).isEqualTo(30);
        assertThat(c.trainer().onIncompatibleState()).isEqualTo(IncompatibleStatePolicy.NEW_LINEAGE);
        assertThat(b.trainer()).isEqualTo(c.trainer());
        assertThat(c.batches().seed()).isEqualTo(5);
    }

    @Test
    void theTransactionalIdPrefixDerivesFromTheJobNameUnlessGiven() {
        assertThat(JobConfig.builder("k:1").jobName("catalog b/2").build().transactionalIdPrefix())
                .isEqualTo("catalog-b-2");
        assertThat(JobConfig.builder("k:1").jobName("catalog b/2").transactionalIdPrefix("mine").build()
                .transactionalIdPrefix()).isEqualTo("mine");
        assertThatThrownBy(() -> JobConfig.builder("k:1").jobName("  ").build())
                .isInstanceOf(InvalidSettingException.class).hasMessage("job-name must not be empty");
    }

    @Test
    void aTorchScriptCatalogGivesTheEmbedderItsModule() {
        Architecture scripted = Architecture.torchScript(1, 28, 28, 16, Architecture.Pooling.AVG,
                new Architecture.ScriptedOutput(32, false), "cd".repeat(32));
        JobConfigBuilder b = JobConfig.builder("k:1");
        b.catalog().network(scripted, "/models/grey.pt");

        assertThat(b.build().embedder().scriptedBackbone()).isEqualTo("/models/grey.pt");
        assertThat(b.build().trainer().backboneWeights()).isEqualTo("/models/grey.pt");
        assertThat(JobConfig.builder("k:1").build().embedder().scriptedBackbone()).isNull();
    }

    @Test
    void jobSettingsOutOfRangeNameTheSetting() {
        assertThatThrownBy(() -> JobConfig.builder("k:1").duplicateRetention(Duration.ZERO).build())
                .isInstanceOf(InvalidSettingException.class).hasMessageStartingWith("duplicate-retention must be");
        assertThatThrownBy(() -> JobConfig.builder("k:1").checkpointInterval(Duration.ofDays(2)).build())
                .isInstanceOf(InvalidSettingException.class).hasMessageStartingWith("checkpoint-interval must be");
        assertThatThrownBy(() -> JobConfig.builder("k:1").publishWhenIdle(Duration.ofSeconds(-1)).build())
                .isInstanceOf(InvalidSettingException.class).hasMessageStartingWith("publish-when-idle must be");
        assertThat(JobConfig.builder("k:1").publishWhenIdle(Duration.ZERO).build().publishWhenIdle()).isZero();
        assertThatThrownBy(() -> JobConfig.builder("k:1").refreshPauseFactor(-0.5).build())
                .isInstanceOf(InvalidSettingException.class).hasMessageStartingWith("refresh-pause-factor must be");
        assertThat(JobConfig.builder("k:1").refreshPauseFactor(2).build().embedder().refreshPauseFactor()).isEqualTo(2);
        assertThat(JobConfig.builder("k:1").build().embedder().refreshPauseFactor())
                .as("paced by default: passes at most half the embedder's time").isEqualTo(1);
        assertThatThrownBy(() -> JobConfig.builder().build()).hasMessageContaining("bootstrap-servers is required");
        // the buffers must take a batch of the catalog: checked at build, not on the cluster
        JobConfigBuilder small = JobConfig.builder("k:1").maxSamplesPerClass(4);
        assertThatThrownBy(small::build).hasMessageContaining("maxSamplesPerClass must be at least samplesPerClass");
    }

    @Test
    void aBuilderFromAConfigBuildsTheSameConfig() {
        Properties client = new Properties();
        client.setProperty("security.protocol", "SSL");
        JobConfigBuilder b = JobConfig.builder("k:1").kafkaProperties(client).groupId("g").maxEventBytes(1 << 20)
                .maxImageBytes(1 << 19).maxImageSide(2048).duplicateRetention(Duration.ofMinutes(5)).seed(9)
                .freshPerBatch(3).embedBatchSize(8).embedBatchesPerSlice(2).checkpointInterval(Duration.ofSeconds(2))
                .checkpointChunkBytes(4096).publishWhenIdle(Duration.ofMillis(500)).refreshPauseFactor(1.5).topics(new Topics("a", "b", "c", "d", "e"));
        b.catalog().channels(3).resize(40).crop(32);
        JobConfig c = b.build();

        assertThat(c.toBuilder().build()).isEqualTo(c);
        assertThat(c.toBuilder().seed(10).build().seed()).isEqualTo(10);
    }

    /** The integration tests' small job, once built by hand field by field, is the same job from the builder. */
    @Test
    void theGeneratedCatalogJobIsTheOneItsTestsBuiltByHand() {
        JobConfig c = GeneratedCatalog.config("k:1", "gen");

        assertThat(c.trainer()).isEqualTo(new TrainerSettings(GeneratedCatalog.ARCHITECTURE,
                new TrainingConfig("triplet", Float.NaN, "ee", 2, "adam", 3e-3f, 0.9f, 0f), GeneratedCatalog.SEED,
                DeviceSpec.parse("cpu"), 15, Duration.ofSeconds(2), 1000, 10));
        assertThat(c.batches()).isEqualTo(BatchPolicy.of(4, 4, GeneratedCatalog.SEED).withFreshPerBatch(8));
        assertThat(c.heldOutShare()).isEqualTo(0.15);
        assertThat(c.embedder()).isEqualTo(new EmbedderSettings(DeviceSpec.parse("cpu"), 128, Duration.ofMillis(100))
                .withRefreshPauseFactor(1));
        assertThat(c.limits()).isEqualTo(new EventLimits(EventLimits.DEFAULT_MAX_EVENT_BYTES,
                EventLimits.DEFAULT_MAX_ID_LENGTH, new ImageLimits(EventLimits.DEFAULT_MAX_IMAGE_BYTES, 4096, 4096)));
        assertThat(List.of(c.groupId(), c.transactionalIdPrefix())).containsExactly("gen-group", "gen");
        assertThat(c.checkpointInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.maxChunkBytes()).isEqualTo(64 * 1024);
    }
}
