package io.streamsynth.model.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamsynth.model.data.DecodedImage;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InputBatchTest {
    /** RGB, stored 4 x 4, network input the center 2 x 2, a different normalisation per channel. */
    private static final ImageSpec SPEC = new ImageSpec(3, 4, 2, List.of(0.5, 0.25, 0.0), List.of(0.5, 0.25, 1.0),
            ImageSpec.WHITE, false, 0);

    /** Every channel holds 7 outside the center; the center reads 0, 255, 51, 102 row by row. */
    private static DecodedImage square() {
        byte[] pixels = new byte[3 * 16];
        Arrays.fill(pixels, (byte) 7);
        for (int c = 0; c < 3; c++) {
            pixels[c * 16 + 5] = 0;
            pixels[c * 16 + 6] = (byte) 255;
            pixels[c * 16 + 9] = 51;
            pixels[c * 16 + 10] = 102;
        }
        return new DecodedImage(3, 4, 4, pixels);
    }

    private static DecodedImage white() {
        byte[] pixels = new byte[3 * 16];
        Arrays.fill(pixels, (byte) 255);
        return new DecodedImage(3, 4, 4, pixels);
    }

    @Test
    void storedSquaresBecomeCenterCroppedNormalisedFloatsAndLabelsDenseIds() {
        InputBatch batch = InputBatch.builder(new Preprocessing(SPEC), 3)
                .addForEmbedding(square(), "shirt")
                .addForEmbedding(white(), "bag")
                .addForEmbedding(square(), "shirt")
                .build();

        float[] expectedSquare = {
            -1f, 1f, -0.6f, -0.2f, // (x / 255 - 0.5) / 0.5
            -1f, 3f, -0.2f, 0.6f, // (x / 255 - 0.25) / 0.25
            0f, 1f, 0.2f, 0.4f}; // x / 255
        float[] expectedWhite = {1f, 1f, 1f, 1f, 3f, 3f, 3f, 3f, 1f, 1f, 1f, 1f};
        assertThat(batch.pixels()).hasSize(3 * 12);
        assertThat(Arrays.copyOfRange(batch.pixels(), 0, 12)).containsExactly(expectedSquare, within(1e-6f));
        assertThat(Arrays.copyOfRange(batch.pixels(), 12, 24)).containsExactly(expectedWhite, within(1e-6f));
        assertThat(Arrays.copyOfRange(batch.pixels(), 24, 36)).containsExactly(expectedSquare, within(1e-6f));
        assertThat(batch.labels()).containsExactly(0, 1, 0);
        assertThat(batch.classes()).isEqualTo(2);
    }

    @Test
    void withoutAugmentationTrainingSeesWhatEmbeddingSees() {
        Preprocessing p = new Preprocessing(SPEC);
        float[] training = InputBatch.builder(p, 1).addForTraining(square(), new Random(1), "a").build().pixels();
        float[] embedding = InputBatch.builder(p, 1).addForEmbedding(square(), null).build().pixels();

        assertThat(training).containsExactly(embedding);
    }

    @Test
    void aBatchTakesExactlyTheImagesItWasBuiltFor() {
        Preprocessing p = new Preprocessing(SPEC);
        InputBatch.Builder one = InputBatch.builder(p, 1).addForEmbedding(square(), null);

        assertThatThrownBy(() -> one.addForEmbedding(square(), null)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("holds 1 images already");
        assertThatThrownBy(() -> InputBatch.builder(p, 2).addForEmbedding(square(), null).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("built for 2 images, 1 were added");
        assertThatThrownBy(() -> InputBatch.builder(p, 1).addForEmbedding(new DecodedImage(1, 4, 4, new byte[16]), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("channel");
    }
}
