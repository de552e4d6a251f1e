package io.streamsynth.operators.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsynth.model.checkpoint.Checkpoint;
import io.streamsynth.model.checkpoint.CheckpointCodec;
import io.streamsynth.model.data.DecodedImage;
import io.streamsynth.model.image.ImageSpec;
import io.streamsynth.model.image.StoredImage;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.runtime.DeviceSpec;
import io.streamsynth.model.train.TrainingConfig;
import io.streamsynth.operators.types.TrainerInput;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CatalogTrainerPreprocessingTest {
    /** RGB stored at 16 x 16, the network sees 12 x 12 crops, augmented, held-out items kept as JPEGs. */
    private static final ImageSpec SPEC = new ImageSpec(3, 16, 12, ImageSpec.IMAGENET_MEAN, ImageSpec.IMAGENET_STD,
            0xffffff, true, 90);
    private static final Architecture RGB12 = new Architecture(Architecture.Kind.CNN, 3, 12, 12, 8, 8);

    private static TrainerSettings settings() {
        return new TrainerSettings(RGB12, new TrainingConfig("triplet", Float.NaN, "none", 2, "adam", 1e-2f, 0.9f, 0f),
                5, DeviceSpec.parse("cpu"), 1, Duration.ofHours(1), 100, 4, SPEC);
    }

    @Test
    void publishedCheckpointCarriesThePreprocessingItTrainedWith() {
        Random random = new Random(1);
        try (CatalogTrainer trainer = CatalogTrainer.create("shop", settings(), 0)) {
            for (int i = 0; i < 6; i++) {
                trainer.addHeldOut(heldOut("h-" + i, i % 3, random));
            }
            trainer.train(batch(0, random));

            Checkpoint published = CheckpointCodec.decode(trainer.publish(1000).checkpoint);

            assertThat(ImageSpec.fromMap(published.metadata().preprocessing())).isEqualTo(SPEC);
            assertThat(published.metadata().preprocessing()).containsKey("recipe");
            assertThat(trainer.lastEvaluation()).containsKey("r_at_1");
        }
    }

    @Test
    void theSameBatchNumberTrainsOnTheSameCropsAfterARestore() {
        TrainerInput first = batch(7, new Random(2));
        byte[] snapshot;
        float loss;
        try (CatalogTrainer trainer = CatalogTrainer.create("shop", settings(), 0)) {
            trainer.train(batch(6, new Random(3)));
            snapshot = trainer.snapshot();
            loss = trainer.train(first).loss();
        }
        assertThat(loss).isPositive();
        try (CatalogTrainer restored = CatalogTrainer.restore("shop", settings(), snapshot)) {
            assertThat(restored.train(first).loss()).isEqualTo(loss);
        }
        try (CatalogTrainer restored = CatalogTrainer.restore("shop", settings(), snapshot)) {
            TrainerInput otherCrops = batch(7, new Random(2));
            otherCrops.batchNumber = 8;
            assertThat(restored.train(otherCrops).loss()).isNotEqualTo(loss);
        }
    }

    @Test
    void networkAndCropMustAgree() {
        ImageSpec crop10 = SPEC.withSizes(16, 10);
        assertThatThrownBy(() -> new TrainerSettings(RGB12, settings().training(), 5, DeviceSpec.parse("cpu"), 1,
                Duration.ofHours(1), 100, 4, crop10)).hasMessageContaining("crop");
        assertThat(List.of(settings().image().crop())).containsExactly(12);
    }

    /** Two classes of 16 x 16 RGB noise squares, four each. */
    private static TrainerInput batch(long number, Random random) {
        TrainerInput in = new TrainerInput();
        in.kind = TrainerInput.BATCH;
        in.catalog = "shop";
        in.channels = 3;
        in.height = 16;
        in.width = 16;
        in.labels = new String[8];
        in.pixels = new byte[8 * SPEC.storedPixels()];
        for (int i = 0; i < 8; i++) {
            in.labels[i] = "class-" + i / 4;
            // classes drawn alike: a hard batch, so the loss depends on every crop
            System.arraycopy(square(-1, random).pixels(), 0, in.pixels, i * SPEC.storedPixels(), SPEC.storedPixels());
        }
        in.freshCount = 8;
        in.oldestFreshIngestTime = 1;
        in.batchNumber = number;
        return in;
    }

    private static TrainerInput heldOut(String item, int label, Random random) {
        TrainerInput in = new TrainerInput();
        in.kind = TrainerInput.HELD_OUT;
        in.catalog = "shop";
        in.itemId = item;
        in.channels = 3;
        in.height = 16;
        in.width = 16;
        in.labels = new String[] {"class-" + label};
        in.pixels = StoredImage.encode(square(label, random), SPEC.storeQuality());
        return in;
    }

    private static DecodedImage square(int label, Random random) {
        byte[] p = new byte[SPEC.storedPixels()];
        for (int i = 0; i < p.length; i++) {
            int channel = i / 256;
            int base = label < 0 ? 128 : channel == label % 3 ? 200 : 40;
            p[i] = (byte) Math.max(0, Math.min(255, base + (int) (60 * random.nextGaussian())));
        }
        return new DecodedImage(3, 16, 16, p);
    }
}
