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
