package io.streamsynth.operators.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.streamsynth.model.checkpoint.Tensor;
import io.streamsynth.model.image.ImageSpec;
import io.streamsynth.model.image.Preprocessing;
import io.streamsynth.model.image.StoredImage;
import io.streamsynth.model.data.DecodedImage;
import io.streamsynth.model.train.EmbeddingModel;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HeldOutSetTest {
    private static final Preprocessing GREY = new Preprocessing(ImageSpec.unchanged(
            Batches.ARCHITECTURE.channels(), Batches.ARCHITECTURE.height()));


    @Test
    void aModelThatEmbedsToNaNPublishesTheCountInsteadOfFailing() {
        HeldOutSet set = new HeldOutSet(10);
        Random random = new Random(1);
        for (int i = 0; i < 6; i++) {
            set.add("item-" + i, "class-" + (i % 2), Batches.image(i % 2, random));
        }
        try (EmbeddingModel model = new EmbeddingModel(Batches.ARCHITECTURE, Device.cpu(), 7L)) {
            assertThat(set.evaluate(model, GREY, 4, 1L)).containsKeys("r_at_1", "nmi", "map_at_r")
                    .containsEntry("held_out_items", 6.0);
            Map<String, Tensor> broken = new HashMap<>();
            model.exportWeights().forEach((name, t) -> {
                float[] nan = new float[t.data().length];
                Arrays.fill(nan, Float.NaN);
                broken.put(name, new Tensor(t.shape(), nan));
            });
            model.importWeights(broken);

            assertThat(set.evaluate(model, GREY, 4, 1L))
                    .containsExactlyInAnyOrderEntriesOf(Map.of("non_finite_embeddings", 6.0, "held_out_items", 6.0));
        }
    }

    @Test
    void itemsStoredUnderAnotherSizeAreDroppedAndTheRestKept() {
        HeldOutSet set = new HeldOutSet(10);
        set.add("at-28", "a", new byte[28 * 28]);
        set.add("at-32", "b", new byte[32 * 32]);
        set.add("rgb-28", "c", new byte[3 * 28 * 28]);
        long generation = set.generation();

        assertThat(set.dropOtherSizes(1, 28)).isEqualTo(2);
        assertThat(set.size()).isEqualTo(1);
        assertThat(set.generation()).as("cached figures of the old items must not be reused").isNotEqualTo(generation);
        generation = set.generation();
        assertThat(set.dropOtherSizes(1, 28)).isZero();
        assertThat(set.generation()).isEqualTo(generation);
    }

    @Test
    void jpegItemsAreKeptByTheShapeInTheirHeaderNotByTheirLength() {
        HeldOutSet set = new HeldOutSet(10);
        Random random = new Random(2);
        set.add("grey-28", "a", jpeg(1, 28, random));
        set.add("grey-32", "b", jpeg(1, 32, random));
        set.add("rgb-28", "c", jpeg(3, 28, random));
        set.add("raw-28", "d", new byte[28 * 28]);

        assertThat(set.dropOtherSizes(1, 28)).isEqualTo(2);
        assertThat(set.size()).isEqualTo(2);
        assertThat(set.dropOtherSizes(3, 28)).as("neither the grey JPEG nor the raw grey square is RGB").isEqualTo(2);
    }

    private static byte[] jpeg(int channels, int side, Random random) {
        byte[] pixels = new byte[channels * side * side];
        random.nextBytes(pixels);
        return StoredImage.encode(new DecodedImage(channels, side, side, pixels), 90);
    }
}
