package io.streamsynth.operators.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsynth.model.checkpoint.Checkpoint;
import io.streamsynth.model.checkpoint.CheckpointCodec;
import io.streamsynth.model.checkpoint.SafeTensors;
import io.streamsynth.model.runtime.DeviceSpec;
import io.streamsynth.operators.types.ModelRelease;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A catalog trained over a TorchScript backbone (the model module's grey_pooled.pt fixtures, at the
 * 12 x 12 of {@link Batches}): its checkpoints record the module's sha256, a restore with the same
 * file resumes, one with another file is an incompatible state.
 */
class CatalogTrainerTorchScriptTest {
    private static final String GREY = TorchScriptSettings.GREY;
    private static final String OTHER = TorchScriptSettings.OTHER;

    private static TrainerSettings settings(String module, IncompatibleStatePolicy policy) {
        return TorchScriptSettings.of(module, policy);
    }

    private static CatalogTrainer trained(TrainerSettings settings) {
        CatalogTrainer t = CatalogTrainer.create("shoes", settings, 0);
        Random random = new Random(3);
        t.train(Batches.batch("shoes", 2, 2, random));
        t.train(Batches.batch("shoes", 2, 2, random));
        return t;
    }

    @Test
    void publishedCheckpointsCarryTheModulesNamesFeaturesAndSha256() throws Exception {
        TrainerSettings settings = settings(GREY, IncompatibleStatePolicy.FAIL);
        try (CatalogTrainer t = trained(settings)) {
            ModelRelease release = t.publish(1);
            Checkpoint c = CheckpointCodec.decode(release.checkpoint);

            assertThat(c.metadata().architecture()).containsEntry("kind", "torchscript")
                    .containsEntry("backbone_features", 32)
                    .containsEntry("backbone_sha256", settings.architecture().backboneSha256());
            assertThat(SafeTensors.read(c.weights()).tensors()).containsKeys("body.0.weight", "body.8.bias",
                    "fc.weight");
        }
    }

    @Test
    void aRestoreWithTheSameModuleResumesTheWeights() throws Exception {
        TrainerSettings settings = settings(GREY, IncompatibleStatePolicy.FAIL);
        try (CatalogTrainer t = trained(settings);
                CatalogTrainer restored = CatalogTrainer.restore("shoes", settings, t.snapshot())) {
            assertThat(restored.steps()).isEqualTo(2);
            assertThat(restored.model().exportWeights().get("body.0.weight"))
                    .isEqualTo(t.model().exportWeights().get("body.0.weight"));
        }
    }

    @Test
    void aRestoreWithAnotherModuleIsAnIncompatibleState() throws Exception {
        byte[] snapshot;
        String savedSha;
        try (CatalogTrainer t = trained(settings(GREY, IncompatibleStatePolicy.FAIL))) {
            snapshot = t.snapshot();
            savedSha = t.model().architecture().backboneSha256();
        }
        TrainerSettings other = settings(OTHER, IncompatibleStatePolicy.FAIL);

        assertThatThrownBy(() -> CatalogTrainer.restore("shoes", other, snapshot))
                .isInstanceOf(IncompatibleStateException.class)
                .hasMessageContaining("started from the backbone file with sha256 " + savedSha)
                .hasMessageContaining("the job's backbone file has sha256 " + other.architecture().backboneSha256());

        try (CatalogTrainer anew = CatalogTrainer.restore("shoes",
                    settings(OTHER, IncompatibleStatePolicy.NEW_LINEAGE), snapshot);
                CatalogTrainer fresh = CatalogTrainer.create("shoes", other, 0)) {
            assertThat(anew.startedNewLineage()).isTrue();
            assertThat(anew.model().exportWeights().get("body.0.weight"))
                    .isEqualTo(fresh.model().exportWeights().get("body.0.weight"));
        }
    }

    @Test
    void aTorchScriptArchitectureNeedsItsModule() {
        TrainerSettings good = settings(GREY, IncompatibleStatePolicy.FAIL);
        assertThatThrownBy(() -> new TrainerSettings(good.architecture(), good.training(), 5, DeviceSpec.parse("cpu"),
                2, Duration.ofHours(1), 100, 4, (String) null))
                .hasMessageContaining("a torchscript architecture needs its module (--backbone-torchscript)");
    }
}
