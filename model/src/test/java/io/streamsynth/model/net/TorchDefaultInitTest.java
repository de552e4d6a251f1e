package io.streamsynth.model.net;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.streamsynth.model.checkpoint.Tensor;
import io.streamsynth.model.train.EmbeddingModel;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The small CNN starts as PyTorch's nn.Conv2d / nn.Linear / nn.BatchNorm2d would. */
class TorchDefaultInitTest {
    /** The issue-13 network: 1 x 28 x 28 in, 32/64/128 filters, embedding 128. */
    private static final Architecture CNN = new Architecture(Architecture.Kind.CNN, 1, 28, 28, 128, 32);

    @Test
    void convolutionAndLinearWeightsAreUniformWithinOneOverRootFanIn() {
        try (EmbeddingModel m = new EmbeddingModel(CNN, Device.cpu(), 3)) {
            Map<String, Tensor> w = m.exportWeights();
            // fan_in: 1*3*3, 32*3*3, 64*3*3, 128
            Map<String, Integer> fanIn = Map.of("conv1.weight", 9, "conv2.weight", 288, "conv3.weight", 576,
                    "fc.weight", 128, "fc.bias", 128);
            fanIn.forEach((name, fan) -> {
                double bound = 1 / Math.sqrt(fan);
                float[] data = w.get(name).data();
                double sum = 0;
                double squares = 0;
                double largest = 0;
                for (float v : data) {
                    sum += v;
                    squares += v * v;
                    largest = Math.max(largest, Math.abs(v));
                }
                double mean = sum / data.length;
                double sd = Math.sqrt(squares / data.length - mean * mean);
                assertThat(largest).as(name + " within the bound").isLessThanOrEqualTo(bound);
                // U(-b, b) has standard deviation b / sqrt(3); DJL's N(0, 2 / fan_in) has b * sqrt(2)
                assertThat(sd).as(name + " spread").isCloseTo(bound / Math.sqrt(3), org.assertj.core.data.Percentage
                        .withPercentage(data.length >= 1000 ? 5 : 25));
                assertThat(largest).as(name + " fills the interval").isGreaterThan(0.8 * bound);
            });
        }
    }

    @Test
    void batchNormStartsAtOneAndZeroWithUnitStatistics() {
        try (EmbeddingModel m = new EmbeddingModel(CNN, Device.cpu(), 3)) {
            Map<String, Tensor> w = m.exportWeights();
            for (int i = 1; i <= 3; i++) {
                assertThat(w.get("bn" + i + ".weight").data()).containsOnly(1f);
                assertThat(w.get("bn" + i + ".bias").data()).containsOnly(0f);
                assertThat(w.get("bn" + i + ".running_mean").data()).containsOnly(0f);
                assertThat(w.get("bn" + i + ".running_var").data()).containsOnly(1f);
            }
        }
    }

    @Test
    void theDrawFollowsTheSeed() {
        try (EmbeddingModel a = new EmbeddingModel(CNN, Device.cpu(), 7);
                EmbeddingModel b = new EmbeddingModel(CNN, Device.cpu(), 7);
                EmbeddingModel c = new EmbeddingModel(CNN, Device.cpu(), 8)) {
            Map<String, Tensor> wa = a.exportWeights();
            Map<String, Tensor> wb = b.exportWeights();
            Map<String, Tensor> wc = c.exportWeights();
            for (String name : new String[] {"conv1.weight", "conv3.weight", "fc.weight", "fc.bias"}) {
                assertThat(wb.get(name).data()).as(name).containsExactly(wa.get(name).data());
                assertThat(wc.get(name).data()).as(name).isNotEqualTo(wa.get(name).data());
            }
        }
    }
}
