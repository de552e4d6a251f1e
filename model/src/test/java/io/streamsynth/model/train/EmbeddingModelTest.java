package io.streamsynth.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.streamsynth.model.checkpoint.Tensor;
import io.streamsynth.model.net.Architecture;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EmbeddingModelTest {
    private static final Architecture SMALL = new Architecture(Architecture.Kind.CNN, 1, 16, 16, 16, 8);

    @Test
    void sameSeedGivesSameInitialWeightsAndDifferentSeedsDiffer() {
        try (EmbeddingModel a = new EmbeddingModel(SMALL, Device.cpu(), 5);
                EmbeddingModel other = new EmbeddingModel(SMALL, Device.cpu(), 6);
                EmbeddingModel b = new EmbeddingModel(SMALL, Device.cpu(), 5)) {
            Map<String, Tensor> wa = a.exportWeights();
            Map<String, Tensor> wb = b.exportWeights();
            wa.forEach((name, t) -> assertThat(wb.get(name).data()).as(name).containsExactly(t.data()));
            assertThat(other.exportWeights().values().iterator().next().data())
                    .isNotEqualTo(wa.values().iterator().next().data());
        }
    }

    /**
     * A checkpoint of the two-pool CNN must be rebuilt as that network: the same weights embed
     * differently (and carry other positional names, so they are handed over in order).
     */
    @Test
    void thePoolCountChangesTheFunctionOfTheSameWeights() {
        Architecture threePools = new Architecture(Architecture.Kind.CNN, 1, 16, 16, 16, 8, 3);
        Architecture twoPools = new Architecture(Architecture.Kind.CNN, 1, 16, 16, 16, 8, 2);
        float[] pixels = GeneratedImages.batch(GeneratedImages.pk(2, 2), 16, new Random(4));
        try (EmbeddingModel three = new EmbeddingModel(threePools, Device.cpu(), 2);
                EmbeddingModel two = new EmbeddingModel(twoPools, Device.cpu(), 9)) {
            java.util.Iterator<Tensor> tensors = three.exportWeights().values().iterator();
            Map<String, Tensor> renamed = new java.util.LinkedHashMap<>();
            two.exportWeights().keySet().forEach(name -> renamed.put(name, tensors.next()));
            two.importWeights(renamed);
            float[][] a = three.embed(pixels, 4);
            float[][] b = two.embed(pixels, 4);
            double gap = 0;
            for (int i = 0; i < a.length; i++) {
                for (int j = 0; j < a[i].length; j++) {
                    gap = Math.max(gap, Math.abs(a[i][j] - b[i][j]));
                }
            }
            assertThat(gap).isGreaterThan(1e-3);
        }
    }

    @Test
    void embeddingsAreUnitVectorsOfTheConfiguredSize() {
        try (EmbeddingModel m = new EmbeddingModel(SMALL, Device.cpu(), 1)) {
            float[][] e = m.embed(GeneratedImages.batch(GeneratedImages.pk(2, 3), 16, new Random(1)), 4);
            assertThat(e).hasNumberOfRows(6);
            for (float[] v : e) {
                assertThat(v).hasSize(16);
                double n = 0;
                for (float x : v) {
                    n += x * x;
                }
                assertThat(n).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-5));
            }
        }
    }

    @Test
    void resnet18EmbedsRgbImagesOfAnySizeWithEitherPooling() {
        for (Architecture.Pooling pooling : Architecture.Pooling.values()) {
            Architecture rgb = new Architecture(Architecture.Kind.RESNET18, 3, 24, 20, 32, 8, pooling);
            embedsTwoImages(rgb);
        }
    }

    private static void embedsTwoImages(Architecture rgb) {
        try (EmbeddingModel m = new EmbeddingModel(rgb, Device.cpu(), 1)) {
            float[] pixels = new float[2 * 3 * 24 * 20];
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (i % 97) / 97f;
            }
            float[][] e = m.embed(pixels, 2);
            assertThat(e).hasNumberOfRows(2);
            assertThat(e[1]).hasSize(32);
        }
    }
}
