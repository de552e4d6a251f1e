package io.streamsynth.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.streamsynth.model.checkpoint.Tensor;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.runtime.HostArrays;
import io.streamsynth.model.runtime.TorchRuntime;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ParameterOptimizerTest {
    private static final Architecture SMALL = new Architecture(Architecture.Kind.CNN, 1, 16, 16, 16, 8);

    @Test
    void nonFiniteGradientsLeaveWeightsAndStateUntouched() {
        try (EmbeddingModel model = new EmbeddingModel(SMALL, Device.cpu(), 1);
                Adam adam = new Adam(model.manager(), 1e-2f, 0f)) {
            float[] pixels = GeneratedImages.batch(GeneratedImages.pk(2, 2), 16, new Random(1));
            assertThat(backwardAndUpdate(model, adam, pixels, 1f)).isTrue();
            Map<String, Tensor> before = model.exportWeights();
            Map<String, Tensor> stateBefore = adam.exportState();
            assertThat(backwardAndUpdate(model, adam, pixels, Float.NaN)).isFalse();
            assertThat(adam.steps()).isEqualTo(1);
            // batch-norm running statistics move in the forward pass; trainable weights must not
            model.exportWeights().entrySet().stream().filter(e -> !e.getKey().contains("running"))
                    .forEach(e -> assertThat(e.getValue().data()).as(e.getKey())
                            .containsExactly(before.get(e.getKey()).data()));
            adam.exportState().forEach((k, t) -> assertThat(t.data()).as(k).containsExactly(stateBefore.get(k).data()));
            // the poisoned gradients were discarded: the next finite step trains normally
            assertThat(backwardAndUpdate(model, adam, pixels, 1f)).isTrue();
            assertThat(model.exportWeights().values()).allSatisfy(t -> {
                for (float f : t.data()) {
                    assertThat(Float.isFinite(f)).isTrue();
                }
            });
        }
    }

    private static boolean backwardAndUpdate(EmbeddingModel model, ParameterOptimizer opt, float[] pixels, float scale) {
        try (NDManager step = model.manager().newSubManager()) {
            NDArray x = HostArrays.floats(step, pixels, new Shape(4, 1, 16, 16));
            try (GradientCollector c = TorchRuntime.engine().newGradientCollector()) {
                c.backward(model.forward(x, true).sum().mul(scale));
            }
            return opt.update(model.parameters());
        }
    }
}
