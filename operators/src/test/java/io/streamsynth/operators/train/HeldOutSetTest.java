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
    private static final int PIXELS = Batches.SIZE * Batches.SIZE;


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

    @Test
    void preprocessedItemsAreReusedUntilTheItemsOrThePreprocessingChange() throws Exception {
        HeldOutSet set = new HeldOutSet(10);
        Random random = new Random(3);
        for (int i = 0; i < 6; i++) {
            set.add("item-" + i, "class-" + (i % 2), Batches.image(i % 2, random));
        }
        var first = set.inputs(GREY);
        assertThat(set.inputs(GREY)).as("nothing changed").isSameAs(first);

        set.add("item-6", "class-0", Batches.image(0, random));
        var afterAdd = set.inputs(GREY);
        assertThat(afterAdd).isNotSameAs(first);
        assertThat(afterAdd.pixels()).hasSize(7 * PIXELS).containsExactly(fresh(set, GREY).pixels());

        assertThat(set.remove("item-0")).isTrue();
        var afterRemove = set.inputs(GREY);
        assertThat(afterRemove.pixels()).hasSize(6 * PIXELS).containsExactly(fresh(set, GREY).pixels());
        assertThat(set.remove("not-there")).isFalse();
        assertThat(set.inputs(GREY)).as("removing an absent item changes nothing").isSameAs(afterRemove);

        Preprocessing shifted = new Preprocessing(new ImageSpec(1, Batches.SIZE, Batches.SIZE, java.util.List.of(0.5), java.util.List.of(0.25),
                ImageSpec.WHITE, false, 0));
        var reprocessed = set.inputs(shifted);
        assertThat(reprocessed.pixels()).as("another preprocessing, other values")
                .isNotEqualTo(afterRemove.pixels()).containsExactly(fresh(set, shifted).pixels());

        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        set.write(new java.io.DataOutputStream(bytes));
        set.add("item-7", "class-1", Batches.image(1, random));
        set.inputs(GREY);
        set.read(new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));
        assertThat(set.inputs(GREY).pixels()).as("a restore replaces the items").hasSize(6 * PIXELS)
                .containsExactly(fresh(set, GREY).pixels());

        set.add("at-32", "class-1", new byte[(Batches.SIZE + 4) * (Batches.SIZE + 4)]);
        set.dropOtherSizes(1, Batches.SIZE);
        assertThat(set.inputs(GREY).pixels()).containsExactly(fresh(set, GREY).pixels());
    }

    @Test
    void inputsLargerThanTheCacheBoundAreBuiltAnewEachTime() {
        HeldOutSet set = new HeldOutSet(10, 5 * PIXELS);
        Random random = new Random(4);
        for (int i = 0; i < 5; i++) {
            set.add("item-" + i, "class-" + (i % 2), Batches.image(i % 2, random));
        }
        var five = set.inputs(GREY);
        assertThat(set.inputs(GREY)).as("five items fit the bound").isSameAs(five);

        set.add("item-5", "class-1", Batches.image(1, random));
        var six = set.inputs(GREY);
        assertThat(set.inputs(GREY)).as("six do not").isNotSameAs(six);
        assertThat(set.inputs(GREY).pixels()).containsExactly(six.pixels());
    }

    @Test
    void figuresFromReusedInputsEqualThoseOfAFreshSet() {
        Random random = new Random(5);
        HeldOutSet set = new HeldOutSet(12);
        for (int i = 0; i < 14; i++) {
            set.add("item-" + i, "class-" + (i % 3), Batches.image(i % 3, random));
        }
        set.remove("item-4");
        try (EmbeddingModel model = new EmbeddingModel(Batches.ARCHITECTURE, Device.cpu(), 7L)) {
            Map<String, Double> first = set.evaluate(model, GREY, 4, 1L);
            Map<String, Double> again = set.evaluate(model, GREY, 4, 1L);
            HeldOutSet copy = new HeldOutSet(12);
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            set.write(new java.io.DataOutputStream(bytes));
            copy.read(new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));

            assertThat(first).containsKeys("r_at_1", "nmi", "map_at_r").containsEntry("held_out_items", 11.0);
            assertThat(again).isEqualTo(first);
            assertThat(copy.evaluate(model, GREY, 4, 1L)).isEqualTo(first);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The set's items preprocessed by a set that has never built them before. */
    private static io.streamsynth.model.image.InputBatch fresh(HeldOutSet set, Preprocessing preprocessing) {
        try {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            set.write(new java.io.DataOutputStream(bytes));
            HeldOutSet copy = new HeldOutSet(Integer.MAX_VALUE);
            copy.read(new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));
            return copy.inputs(preprocessing);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] jpeg(int channels, int side, Random random) {
        byte[] pixels = new byte[channels * side * side];
        random.nextBytes(pixels);
        return StoredImage.encode(new DecodedImage(channels, side, side, pixels), 90);
    }
}
