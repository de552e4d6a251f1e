package io.streamsynth.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.PairList;
import io.streamsynth.model.checkpoint.Tensor;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.net.EmbeddingNet;
import io.streamsynth.model.runtime.HostArrays;
import io.streamsynth.model.runtime.NoGrad;
import io.streamsynth.model.runtime.TorchRuntime;
import java.util.Map;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * {@link Adam#minimize}, the backward pass and the update in one TorchScript call, against the two run apart
 * ({@code collector.backward} then {@link ParameterOptimizer#update}): the same weights and state bit for bit,
 * the same finiteness rule, and a parameter the loss does not reach updated as with a zero gradient.
 */
class AdamMinimizeTest {
    private static final Architecture SMALL = new Architecture(Architecture.Kind.CNN, 1, 16, 16, 16, 8);
    /** A backbone factor, so the per-parameter scales reach the update. */
    private static final ToDoubleFunction<String> SCALES = name -> EmbeddingNet.isHead(name) ? 1f : 0.25f;

    @Test
    void sameWeightsAndStateBitForBitAsBackwardThenUpdate() {
        try (EmbeddingModel apart = new EmbeddingModel(SMALL, Device.cpu(), 1);
                EmbeddingModel fused = new EmbeddingModel(SMALL, Device.cpu(), 1);
                Adam apartAdam = new Adam(apart.manager(), 1e-2f, 0.01f);
                Adam fusedAdam = new Adam(fused.manager(), 1e-2f, 0.01f)) {
            Random random = new Random(3);
            for (int t = 0; t < 5; t++) {
                float[] pixels = GeneratedImages.batch(GeneratedImages.pk(2, 2), 16, random);
                float[] target = new float[4 * 16];
                for (int i = 0; i < target.length; i++) {
                    target[i] = (float) random.nextGaussian();
                }
                assertThat(step(apart, apartAdam, pixels, target, false)).isTrue();
                assertThat(step(fused, fusedAdam, pixels, target, true)).isTrue();
            }
            assertThat(fusedAdam.steps()).isEqualTo(apartAdam.steps()).isEqualTo(5);
            assertSameBits(fused.exportWeights(), apart.exportWeights(), "weights");
            assertSameBits(fusedAdam.exportState(), apartAdam.exportState(), "optimizer state");
        }
    }

    @Test
    void nonFiniteGradientsSkipTheStepAndTheNextOneTrains() {
        try (EmbeddingModel model = new EmbeddingModel(SMALL, Device.cpu(), 1);
                Adam adam = new Adam(model.manager(), 1e-2f, 0f)) {
            float[] pixels = pixels();
            float[] target = target(1f);
            assertThat(step(model, adam, pixels, target, true)).isTrue();
            Map<String, Tensor> before = model.exportWeights();
            Map<String, Tensor> stateBefore = adam.exportState();
            target[5] = Float.NaN;
            assertThat(step(model, adam, pixels, target, true)).isFalse();
            assertThat(adam.steps()).isEqualTo(1);
            // batch-norm running statistics move in the forward pass; trainable weights must not
            model.exportWeights().entrySet().stream().filter(e -> !e.getKey().contains("running"))
                    .forEach(e -> assertThat(e.getValue().data()).as(e.getKey())
                            .containsExactly(before.get(e.getKey()).data()));
            assertSameBits(adam.exportState(), stateBefore, "optimizer state");
            target[5] = 1f;
            assertThat(step(model, adam, pixels, target, true)).isTrue();
            assertThat(adam.steps()).isEqualTo(2);
            assertThat(model.exportWeights().get(model.exportWeights().keySet().iterator().next()).data())
                    .doesNotContain(Float.NaN);
        }
    }

    @Test
    void aSkippedFirstStepLeavesNoStateAsUpdateDoes() {
        try (EmbeddingModel model = new EmbeddingModel(SMALL, Device.cpu(), 1);
                Adam adam = new Adam(model.manager(), 1e-2f, 0f)) {
            float[] pixels = pixels();
            float[] target = target(0f);
            target[3] = Float.POSITIVE_INFINITY;
            assertThat(step(model, adam, pixels, target, true)).isFalse();
            assertThat(adam.steps()).isZero();
            assertThat(adam.exportState()).isEmpty();
        }
    }

    @Test
    void aParameterTheLossDoesNotReachMovesOnlyByWeightDecay() {
        float lr = 1e-2f;
        float weightDecay = 0.1f;
        try (NDManager manager = TorchRuntime.engine().newBaseManager();
                Adam adam = new Adam(manager, lr, weightDecay)) {
            PairList<String, Parameter> parameters = new PairList<>();
            NDArray used = parameter(parameters, "used", manager, new float[] {1f, -2f});
            NDArray unused = parameter(parameters, "unused", manager, new float[] {0.5f, -3f, 0f});
            try (NDManager step = manager.newSubManager();
                    GradientCollector c = TorchRuntime.engine().newGradientCollector()) {
                NDArray loss = used.mul(HostArrays.floats(step, new float[] {2f, 3f}, new Shape(2))).sum();
                assertThat(adam.minimize(loss, c, parameters, name -> 1.0)).isTrue();
            }
            // step 1 of Adam with gradient g = weight decay * w: m-hat = g, v-hat = g^2, w -= lr * g / (|g| + eps)
            float[] after = unused.toFloatArray();
            double[] start = {0.5, -3, 0};
            for (int i = 0; i < 3; i++) {
                double g = weightDecay * start[i];
                double expected = start[i] - lr * g / (Math.abs(g) + 1e-8);
                assertThat((double) after[i]).as("unused[" + i + "]").isCloseTo(expected, within(1e-6));
            }
            assertThat(adam.steps()).isEqualTo(1);
        }
    }

    private static NDArray parameter(PairList<String, Parameter> parameters, String name, NDManager manager, float[] values) {
        Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).build();
        NDArray array = HostArrays.floats(manager, values, new Shape(values.length));
        array.setRequiresGradient(true);
        p.setArray(array);
        parameters.add(name, p);
        return array;
    }

    /** A P x K = 2 x 2 batch of SMALL's images. */
    private static float[] pixels() {
        return GeneratedImages.batch(GeneratedImages.pk(2, 2), 16, new Random(1));
    }

    /** A target for the batch's embeddings (4 x 16), every entry {@code value}. */
    private static float[] target(float value) {
        float[] target = new float[4 * 16];
        java.util.Arrays.fill(target, value);
        return target;
    }

    /** A loss that reaches every parameter: the embeddings' dot product with a fixed target. */
    private static boolean step(EmbeddingModel model, Adam adam, float[] pixels, float[] target, boolean fused) {
        try (NDManager step = model.manager().newSubManager()) {
            NDArray x = HostArrays.floats(step, pixels, new Shape(4, 1, 16, 16));
            NDArray t = HostArrays.floats(step, target, new Shape(4, 16));
            try (GradientCollector c = TorchRuntime.engine().newGradientCollector()) {
                NDArray loss = model.forward(x, true).mul(t).sum();
                if (fused) {
                    return adam.minimize(loss, c, model.parameters(), SCALES);
                }
                c.backward(loss);
            }
            return NoGrad.call(() -> adam.update(model.parameters(), SCALES));
        }
    }

    private static void assertSameBits(Map<String, Tensor> actual, Map<String, Tensor> expected, String what) {
        assertThat(actual.keySet()).as(what).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((name, tensor) -> assertThat(actual.get(name).data()).as(what + " " + name)
                .containsExactly(tensor.data()));
    }
}
