package io.streamsynth.operators.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsynth.model.image.ImageSpec;
import io.streamsynth.model.image.InputBatch;
import io.streamsynth.operators.types.TrainerInput;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TrainingInputsTest {
    /** RGB stored at 16 x 16, 12 x 12 crops, augmented. */
    private static final ImageSpec SPEC = new ImageSpec(3, 16, 12, ImageSpec.IMAGENET_MEAN, ImageSpec.IMAGENET_STD,
            0xffffff, true, 90);

    private static TrainerInput batch(int count, int side, long number) {
        TrainerInput in = new TrainerInput();
        in.kind = TrainerInput.BATCH;
        in.catalog = "shop";
        in.channels = 3;
        in.height = side;
        in.width = side;
        in.labels = new String[count];
        in.pixels = new byte[count * 3 * side * side];
        new Random(5).nextBytes(in.pixels);
        for (int i = 0; i < count; i++) {
            in.labels[i] = "class-" + i % 2;
        }
        in.batchNumber = number;
        return in;
    }

    @Test
    void aBatchOfAnotherSizeOrWithMissingBytesIsRefusedNamingBoth() {
        TrainingInputs inputs = new TrainingInputs("shop", SPEC, 7);
        inputs.requireShape(batch(4, 16, 0));
        assertThatThrownBy(() -> inputs.requireShape(batch(4, 12, 0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("catalog 'shop' stores 3x16x16 images, got 3x12x12");
        TrainerInput shortBatch = batch(4, 16, 0);
        shortBatch.pixels = new byte[3 * SPEC.storedPixels()];
        assertThatThrownBy(() -> inputs.requireShape(shortBatch))
                .hasMessage("input of 4 images carries " + 3 * SPEC.storedPixels() + " pixel bytes");
        TrainerInput heldOut = batch(1, 16, 0);
        heldOut.kind = TrainerInput.HELD_OUT;
        heldOut.pixels = new byte[10]; // stored encoded: its length says nothing
        inputs.requireShape(heldOut);
    }

    @Test
    void cropsAreCroppedAndDrawnFromSeedCatalogAndBatchNumber() {
        InputBatch a = new TrainingInputs("shop", SPEC, 7).forTraining(batch(4, 16, 3));
        assertThat(a.pixels()).hasSize(4 * 3 * 12 * 12);
        assertThat(a.labels()).containsExactly(0, 1, 0, 1);
        assertThat(new TrainingInputs("shop", SPEC, 7).forTraining(batch(4, 16, 3)).pixels()).isEqualTo(a.pixels());
        assertThat(new TrainingInputs("shop", SPEC, 7).forTraining(batch(4, 16, 4)).pixels()).isNotEqualTo(a.pixels());
        assertThat(new TrainingInputs("hats", SPEC, 7).forTraining(batch(4, 16, 3)).pixels()).isNotEqualTo(a.pixels());
        assertThat(new TrainingInputs("shop", SPEC, 8).forTraining(batch(4, 16, 3)).pixels()).isNotEqualTo(a.pixels());
    }
}
