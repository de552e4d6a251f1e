package io.streamsynth.model.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.streamsynth.model.runtime.TorchRuntime;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The stem's ReLU and max pooling as {@link ReluMaxPool} computes them (window maxima found in channels last,
 * the output gathered) against the two layers run directly: the same bits forward and backward, down to the
 * gradients of the convolution and batch norm before them (which would differ by rounding if the gradient
 * reached batch norm in another layout, or were summed in another order where windows overlap).
 */
class ReluMaxPoolTest {

    /** ReLU then nn.MaxPool2d(kernel, stride, padding), run directly. */
    private static NDArray direct(NDArray x, int kernel, int stride, int padding) {
        return Pool.maxPool2d(Activation.relu(x), new Shape(kernel, kernel), new Shape(stride, stride),
                new Shape(padding, padding), false);
    }

    /**
     * Output and every parameter's gradient of one training pass. (No input gradient and no convolution after
     * the pooling: libtorch 2.7.1's CPU convolution backward now and then returns NaN input gradients, in
     * either pass, ParameterOptimizer's note.)
     */
    private record Pass(float[] output, Map<String, float[]> gradients) {}

    /** Both passes through one network (the same weights), its pooling child switched between them. */
    private static Pass[] passes(int side, int kernel, int stride, int padding) {
        ReluMaxPool ours = new ReluMaxPool(kernel, stride, padding);
        boolean[] useOurs = {true};
        NamedSequential net = new NamedSequential().then("conv1", Layers.conv(16, 7, 2, 3))
                .then("bn1", new BatchNorm2d())
                .then("pool", LambdaBlock.singleton(x -> useOurs[0]
                        ? ours.forward(new ParameterStore(x.getManager(), false), new NDList(x), true).singletonOrThrow()
                        : direct(x, kernel, stride, padding)));
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            net.initialize(manager, DataType.FLOAT32, new Shape(4, 3, side, side));
            NDArray x = manager.randomNormal(new Shape(4, 3, side, side));
            NDArray weights = null;
            Pass[] out = new Pass[2];
            for (int k = 0; k < 2; k++) {
                useOurs[0] = k == 0;
                NDArray y;
                try (GradientCollector c = TorchRuntime.engine().newGradientCollector()) {
                    y = net.forward(new ParameterStore(manager, false), new NDList(x), true).singletonOrThrow();
                    weights = weights == null ? manager.randomNormal(y.getShape()) : weights;
                    c.backward(y.mul(weights).sum());
                }
                Map<String, float[]> gradients = new LinkedHashMap<>();
                for (Map.Entry<String, Parameter> e : TorchNames.of(net).entrySet()) {
                    if (e.getValue().requiresGradient()) {
                        NDArray g = e.getValue().getArray().getGradient();
                        gradients.put(e.getKey(), g.toFloatArray());
                        g.set(new ai.djl.ndarray.index.NDIndex("..."), 0f);
                    }
                }
                out[k] = new Pass(y.toFloatArray(), gradients);
            }
            return out;
        }
    }

    /** side, kernel, stride, padding: ResNet's stem pooling (3, 2, 1) and the small CNN's (2, 2, 0). */
    @ParameterizedTest(name = "{0} x {0} images, pool {1} stride {2} padding {3}")
    @CsvSource({"32, 3, 2, 1", "45, 3, 2, 1", "28, 2, 2, 0", "29, 2, 2, 0"})
    void trainingPassHasTheSameBitsAsReluThenMaxPool(int side, int kernel, int stride, int padding) {
        Pass[] passes = passes(side, kernel, stride, padding);
        Pass ours = passes[0];
        Pass reference = passes[1];

        assertThat(ours.output()).containsExactly(reference.output());
        assertThat(ours.gradients().keySet()).containsExactly("conv1.weight", "bn1.weight", "bn1.bias");
        float[] reachedConv1 = ours.gradients().get("conv1.weight");
        assertThat(reachedConv1).as("conv1's gradient").doesNotContain(Float.NaN).isNotEqualTo(
                new float[reachedConv1.length]);
        ours.gradients().forEach((name, g) -> assertThat(g).as(name).containsExactly(reference.gradients().get(name)));
    }

    @ParameterizedTest(name = "pool {0} stride {1} padding {2}")
    @CsvSource({"3, 2, 1", "2, 2, 0"})
    void outputShapeIsMaxPool2dsAndTheDeclaredOne(int kernel, int stride, int padding) {
        ReluMaxPool pool = new ReluMaxPool(kernel, stride, padding);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            for (int side : new int[] {2, 3, 7, 28, 29}) {
                Shape in = new Shape(2, 5, side, side + 1);
                NDArray x = manager.randomNormal(in);
                NDArray y = pool.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow();
                NDArray expected = direct(x, kernel, stride, padding);

                assertThat(y.getShape()).isEqualTo(expected.getShape()).isEqualTo(pool.getOutputShapes(
                        new Shape[] {in})[0]);
                assertThat(y.toFloatArray()).containsExactly(expected.toFloatArray());
            }
        }
    }

    @Test
    void aPoolingWithoutAScriptIsRefusedAtConstruction() {
        assertThatThrownBy(() -> new ReluMaxPool(3, 1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("relu_max_pool_k3s1p1.pt").hasMessageContaining("scripts/make_relu_max_pool.py");
    }

    /** The pooling's own error for an input narrower than its window, and an empty batch passed through. */
    @Test
    void inputsTheScriptCannotTakeGoTheDirectWay() {
        ReluMaxPool pool = new ReluMaxPool(2, 2, 0);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray narrow = manager.randomNormal(new Shape(2, 3, 1, 5));
            assertThatThrownBy(() -> pool.forward(new ParameterStore(manager, false), new NDList(narrow), false))
                    .isInstanceOf(ai.djl.engine.EngineException.class);
            NDArray empty = manager.zeros(new Shape(0, 3, 8, 8));
            NDArray y = pool.forward(new ParameterStore(manager, false), new NDList(empty), false).singletonOrThrow();
            assertThat(y.getShape()).isEqualTo(new Shape(0, 3, 4, 4));
        }
    }
}
