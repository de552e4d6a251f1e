package io.streamsynth.operators.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.streamsynth.model.checkpoint.Checkpoint;
import io.streamsynth.model.checkpoint.CheckpointCodec;
import io.streamsynth.model.checkpoint.Sha256;
import io.streamsynth.operators.train.Batches;
import io.streamsynth.operators.train.CatalogTrainer;
import io.streamsynth.operators.train.IncompatibleStatePolicy;
import io.streamsynth.operators.train.TorchScriptSettings;
import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.ItemEmbedding;
import io.streamsynth.operators.types.ModelRelease;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The embedder rebuilds a torchscript checkpoint over the job's module and embeds as the trainer's model does. */
class CatalogModelsTorchScriptTest {

    @Test
    void aTorchScriptCheckpointEmbedsLikeTheTrainersModel() throws Exception {
        var settings = TorchScriptSettings.grey(IncompatibleStatePolicy.FAIL);
        try (CatalogTrainer trainer = CatalogTrainer.create("shoes", settings, 0);
                CatalogModels models = new CatalogModels(Device.cpu(), settings.backboneWeights())) {
            Random random = new Random(3);
            trainer.train(Batches.batch("shoes", 2, 2, random));
            ModelRelease release = trainer.publish(1);

            assertThat(models.load(release)).isTrue();
            byte[] pixels = Batches.image(1, random);
            ImageSample item = new ImageSample();
            item.catalog = "shoes";
            item.itemId = "i1";
            item.label = "class-1";
            item.channels = 1;
            item.height = Batches.SIZE;
            item.width = Batches.SIZE;
            item.pixels = pixels;
            List<ItemEmbedding> out = CatalogModels.embed(models.get("shoes"), List.of(item), 4);

            float[] direct = new float[pixels.length];
            for (int i = 0; i < pixels.length; i++) {
                direct[i] = Byte.toUnsignedInt(pixels[i]) / 255f;
            }
            assertThat(out.get(0).vector).containsExactly(trainer.model().embed(direct, 1)[0]);
        }
    }

    @Test
    void theEmbedderRebuildsOverTheModuleTheCheckpointNamesWithoutTheJobsFlag() throws Exception {
        // a catalogs-topic record's module: the job has no --backbone-torchscript
        var settings = TorchScriptSettings.grey(IncompatibleStatePolicy.FAIL);
        try (CatalogTrainer trainer = CatalogTrainer.create("shoes", settings, 0);
                CatalogModels models = new CatalogModels(Device.cpu())) {
            Random random = new Random(4);
            trainer.train(Batches.batch("shoes", 2, 2, random));
            ModelRelease release = trainer.publish(1);

            assertThat(CheckpointCodec.decode(release.checkpoint).metadata().lineage())
                    .containsEntry(CatalogTrainer.BACKBONE_FILE_KEY, TorchScriptSettings.GREY);
            assertThat(models.load(release)).isTrue();
            byte[] pixels = Batches.image(0, random);
            float[] direct = new float[pixels.length];
            for (int i = 0; i < pixels.length; i++) {
                direct[i] = Byte.toUnsignedInt(pixels[i]) / 255f;
            }
            assertThat(models.get("shoes").model().embed(direct, 1)[0])
                    .containsExactly(trainer.model().embed(direct, 1)[0]);
        }
    }

    @Test
    void anEmbedderWithoutTheModuleRefusesACheckpointThatNamesNone() throws Exception {
        var settings = TorchScriptSettings.grey(IncompatibleStatePolicy.FAIL);
        try (CatalogTrainer trainer = CatalogTrainer.create("shoes", settings, 0);
                CatalogModels models = new CatalogModels(Device.cpu())) {
            trainer.train(Batches.batch("shoes", 2, 2, new Random(3)));
            Checkpoint published = CheckpointCodec.decode(trainer.publish(1).checkpoint);
            // as checkpoints were written before lineage.backbone_file
            byte[] unnamed = CheckpointCodec.encode(published.withLineage(Map.of()));

            assertThatThrownBy(() -> models.load("shoes", unnamed, Sha256.hex(unnamed)))
                    .hasMessageContaining("names no module and reached an embedder without --backbone-torchscript");
        }
    }
}
