package io.streamsynth.model.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Gradients through a constant stay exact when the garbage collector runs and native memory is
 * reused between the forward and the backward pass (DJL's own {@code x.mul(3f)} gave 3e28 and 2e11
 * here where 0.6 was due: its constant lives in a buffer the collector frees).
 */
class OwnedScalarsTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"mul", "div", "maximum", "pow"})
    void gradientThroughTheConstantSurvivesACollection(String op) {
        // x = (1, 2, -3); y = sum(f(x)); expected dy/dx by hand
        float[] x = {1f, 2f, -3f};
        UnaryOperator<NDArray> f;
        double[] expected;
        switch (op) {
            case "mul" -> {
                f = a -> OwnedScalars.mul(a, 0.6f);
                expected = new double[] {0.6, 0.6, 0.6};
            }
            case "div" -> {
                f = a -> OwnedScalars.div(a, 4f);
                expected = new double[] {0.25, 0.25, 0.25};
            }
            case "maximum" -> {
                f = a -> OwnedScalars.maximum(a, 1.5f);
                expected = new double[] {0, 1, 0};
            }
            default -> {
                f = a -> OwnedScalars.pow(a, 3f);
                expected = new double[] {3, 12, 27};
            }
        }
        try (NDManager manager = TorchRuntime.engine().newBaseManager()) {
            for (int round = 0; round < 5; round++) {
                try (NDManager step = manager.newSubManager()) {
                    NDArray input = HostArrays.floats(step, x, new Shape(3));
                    input.setRequiresGradient(true);
                    try (GradientCollector collector = TorchRuntime.engine().newGradientCollector()) {
                        NDArray y = f.apply(input).sum();
                        List<ByteBuffer> held = GcPressure.apply();
                        collector.backward(y);
                        Reference.reachabilityFence(held);
                    }
                    float[] gradient = input.getGradient().toFloatArray();
                    for (int i = 0; i < 3; i++) {
                        assertThat((double) gradient[i]).as("round %d, d y / d x[%d]", round, i)
                                .isCloseTo(expected[i], within(1e-6));
                    }
                }
            }
        }
    }
}
