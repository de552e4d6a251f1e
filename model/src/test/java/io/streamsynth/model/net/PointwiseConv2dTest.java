package io.streamsynth.model.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.streamsynth.model.runtime.TorchRuntime;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The matrix-product 1x1 convolution against libtorch's own convolution, output and both gradients, on
 * channel counts that libtorch's backward pass survives (8 to 12: not one of the pairs oneDNN 3.7.1 dies on).
 */
class PointwiseConv2dTest {
    private static final double TOLERANCE = 1e-5;

    @Test
    void equalsLibtorchsConvolutionWithStrideOne() {
        assertSameAsConvolution(3, 8, 12, 7, 5, 1);
    }

    /** Odd sides: a stride-2 1x1 kernel without padding reads rows and columns 0, 2, .., 6 of 7 and skips the last. */
    @Test
    void equalsLibtorchsConvolutionWithStrideTwoOnOddSides() {
        assertSameAsConvolution(2, 8, 12, 7, 9, 2);
    }

    @Test
    void equalsLibtorchsConvolutionWithStrideThree() {
        assertSameAsConvolution(2, 5, 4, 8, 6, 3);
    }

    @Test
    void hasTorchvisionsWeightNameAndShapeAndRoundsTheOutputUp() {
        PointwiseConv2d conv = new PointwiseConv2d(6, 2);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            conv.initialize(manager, DataType.FLOAT32, new Shape(1, 4, 9, 8));
            assertThat(conv.getParameters().keys()).containsExactly("weight");
            assertThat(conv.getParameters().get("weight").getArray().getShape()).isEqualTo(new Shape(6, 4, 1, 1));
            assertThat(conv.getOutputShapes(new Shape[] {new Shape(3, 4, 9, 8)})[0]).isEqualTo(new Shape(3, 6, 5, 4));
        }
        assertThatThrownBy(() -> new PointwiseConv2d(6, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertSameAsConvolution(int n, int in, int out, int h, int w, int stride) {
        Random random = new Random(in * 31L + out + stride);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray x = manager.create(gaussian(random, n * in * h * w), new Shape(n, in, h, w));
            NDArray weight = manager.create(gaussian(random, out * in), new Shape(out, in, 1, 1));
            int oh = (h + stride - 1) / stride;
            int ow = (w + stride - 1) / stride;
            NDArray probe = manager.create(gaussian(random, n * out * oh * ow), new Shape(n, out, oh, ow));

            Pass ours = pass(x, weight, probe, (xs, ws) -> {
                PointwiseConv2d conv = new PointwiseConv2d(out, stride);
                conv.initialize(manager, DataType.FLOAT32, xs.getShape());
                conv.getParameters().get("weight").getArray().set(java.nio.FloatBuffer.wrap(ws.toFloatArray()));
                NDArray y = conv.forward(new ParameterStore(manager, false), new NDList(xs), true).singletonOrThrow();
                // the block's own weight holds the gradient: hand it to the caller's
                return new Pass(y, conv.getParameters().get("weight").getArray());
            });
            Pass reference = pass(x, weight, probe, (xs, ws) -> new Pass(Conv2d.conv2d(xs, ws, null,
                    new Shape(stride, stride), new Shape(0, 0), new Shape(1, 1), 1).singletonOrThrow(), ws));

            assertThat(ours.output.getShape()).isEqualTo(new Shape(n, out, oh, ow));
            TorchvisionFixtures.assertClose(ours.outputValues, reference.outputValues, TOLERANCE);
            TorchvisionFixtures.assertClose(ours.inputGradient, reference.inputGradient, TOLERANCE);
            TorchvisionFixtures.assertClose(ours.weightGradient, reference.weightGradient, TOLERANCE);
            assertThat(maxAbs(ours.weightGradient)).as("a gradient to compare").isGreaterThan(0.1);
        }
    }

    /** Output and gradients of sum(conv(x) * probe) for x and the weight. */
    private static final class Pass {
        final NDArray output;
        final NDArray weightArray;
        float[] outputValues;
        float[] inputGradient;
        float[] weightGradient;

        Pass(NDArray output, NDArray weightArray) {
            this.output = output;
            this.weightArray = weightArray;
        }
    }

    private static Pass pass(NDArray x, NDArray weight, NDArray probe,
            java.util.function.BiFunction<NDArray, NDArray, Pass> conv) {
        NDArray xs = x.duplicate();
        NDArray ws = weight.duplicate();
        xs.setRequiresGradient(true);
        ws.setRequiresGradient(true);
        Pass p;
        try (GradientCollector c = TorchRuntime.engine().newGradientCollector()) {
            p = conv.apply(xs, ws);
            c.backward(p.output.mul(probe).sum());
        }
        p.outputValues = p.output.toFloatArray();
        p.inputGradient = xs.getGradient().toFloatArray();
        p.weightGradient = p.weightArray.getGradient().toFloatArray();
        return p;
    }

    private static float[] gaussian(Random random, int count) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    private static double maxAbs(float[] v) {
        double m = 0;
        for (float f : v) {
            m = Math.max(m, Math.abs(f));
        }
        return m;
    }
}
