package io.streamsynth.model.net;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.streamsynth.model.runtime.TorchRuntime;
import io.streamsynth.model.train.EmbeddingModel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Our ResNets release intermediate outputs during the forward pass and add the shortcut in place
 * ({@link Intermediates}, {@link ResidualBlock}); both must leave the computation as it was. Against a
 * reference written here with DJL's functional ops, every result out of place and kept until the end:
 * embeddings, every parameter's gradient and the batch-norm running statistics after one training-mode
 * forward and backward pass agree within 1e-6 (with batch statistics, with frozen batch norms, and for
 * ResNet-50's bottleneck blocks).
 */
class ResNetIntermediatesTest {
    private static final double TOLERANCE = 1e-6;
    private static final int BATCH = 4;

    @Test
    void resnet18TrainingPassEqualsTheOutOfPlaceReference() {
        assertSamePass(Architecture.Kind.RESNET18, false);
    }

    @Test
    void resnet18WithFrozenBatchNormEqualsTheOutOfPlaceReference() {
        assertSamePass(Architecture.Kind.RESNET18, true);
    }

    /**
     * ResNet-50's bottleneck, with a downsample branch and with the identity shortcut, as a block (a whole
     * ResNet-50 trains in ResNet50TrainingTest).
     */
    @Test
    void bottleneckBlocksTrainingPassEqualsTheOutOfPlaceReference() {
        NamedSequential root = new NamedSequential().then("0", new ResidualBlock(true, 32, 16, 2))
                .then("1", new ResidualBlock(true, 64, 16, 1));
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            root.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(BATCH, 32, 9, 9));
            Map<String, Parameter> p = TorchNames.of(root);
            ParameterStore store = new ParameterStore(manager, false);
            Map<String, float[]> statistics = runningStatistics(p);
            Pass ours = pass(manager, p, 32, 9, x -> root.forward(store, new NDList(x), true).singletonOrThrow());
            restore(p, statistics);
            Pass reference = pass(manager, p, 32, 9, x -> {
                NDArray y = block(p, "0.", x, true, 2, true);
                return block(p, "1.", y, true, 1, true);
            });

            assertSame(ours, reference, 10);
        }
    }

    /** Intermediates are closed once consumed; the caller's input and the returned output never are. */
    @Test
    void sequentialClosesWhatItsChildrenConsumedButNotTheCallersArrays() {
        NDArray[] middle = new NDArray[1];
        NamedSequential root = new NamedSequential()
                .then("same", LambdaBlock.singleton(a -> a))
                .then("negated", LambdaBlock.singleton(a -> {
                    middle[0] = a.neg();
                    return middle[0];
                }))
                .then("relu", Layers.relu());
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            root.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(2));
            NDArray x = manager.create(new float[] {-1, 2});
            NDArray y = root.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow();

            assertThat(y.toFloatArray()).containsExactly(1f, 0f);
            assertThat(x.isReleased()).isFalse();
            assertThat(x.toFloatArray()).containsExactly(-1f, 2f);
            assertThat(middle[0].isReleased()).isTrue();
        }
    }

    private static void assertSamePass(Architecture.Kind kind, boolean frozenBatchNorm) {
        Architecture a = new Architecture(kind, 3, 32, 32, 8, BATCH);
        try (EmbeddingModel m = new EmbeddingModel(a, Device.cpu(), 3)) {
            m.net().freezeBatchNorm(frozenBatchNorm);
            Map<String, Parameter> p = new LinkedHashMap<>();
            for (Pair<String, Parameter> e : m.parameters()) {
                p.put(e.getKey(), e.getValue());
            }
            Map<String, float[]> statistics = runningStatistics(p);
            Pass ours = pass(m.manager(), p, 3, 32, images -> m.forward(images, true));
            restore(p, statistics);
            Pass reference = pass(m.manager(), p, 3, 32, images -> reference(p, images, !frozenBatchNorm));

            assertSame(ours, reference, frozenBatchNorm ? 20 : 60);
            if (!frozenBatchNorm) {
                // the pass moved the statistics (and both passes moved them alike)
                assertThat(ours.values.get("bn1.running_mean")).isNotEqualTo(statistics.get("bn1.running_mean"));
            }
        }
    }

    private static void assertSame(Pass ours, Pass reference, int leastValues) {
        TorchvisionFixtures.assertClose(ours.output, reference.output, TOLERANCE);
        assertThat(ours.values.keySet()).containsExactlyElementsOf(reference.values.keySet());
        assertThat(ours.values).hasSizeGreaterThan(leastValues);
        ours.values.forEach((name, v) -> {
            assertThat(v).as(name).hasSameSizeAs(reference.values.get(name));
            TorchvisionFixtures.assertClose(v, reference.values.get(name), TOLERANCE);
        });
    }

    /** The output, then each gradient ("name grad") and each running statistic after the pass. */
    private record Pass(float[] output, Map<String, float[]> values) {}

    /**
     * One training-mode forward and backward pass of {@code net} on a fixed random batch of
     * {@code channels} x {@code side} x {@code side} inputs, with the loss sum(output * w) for a fixed w;
     * gradients are read and then zeroed.
     */
    private static Pass pass(NDManager manager, Map<String, Parameter> p, int channels, int side,
            Function<NDArray, NDArray> net) {
        Random random = new Random(11);
        float[] pixels = new float[BATCH * channels * side * side];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextFloat();
        }
        try (NDManager scratch = manager.newSubManager()) {
            NDArray images = scratch.create(pixels, new Shape(BATCH, channels, side, side));
            float[] output;
            try (GradientCollector c = TorchRuntime.engine().newGradientCollector()) {
                NDArray y = net.apply(images);
                output = y.toFloatArray();
                float[] weights = new float[output.length];
                for (int i = 0; i < weights.length; i++) {
                    weights[i] = (float) random.nextGaussian();
                }
                c.backward(y.mul(scratch.create(weights, y.getShape())).sum());
            }
            Map<String, float[]> values = new LinkedHashMap<>();
            p.forEach((name, param) -> {
                NDArray array = param.getArray();
                if (array.hasGradient()) {
                    NDArray grad = array.getGradient();
                    values.put(name + " grad", grad.toFloatArray());
                    grad.subi(grad);
                }
            });
            values.putAll(runningStatistics(p));
            return new Pass(output, values);
        }
    }

    private static Map<String, float[]> runningStatistics(Map<String, Parameter> p) {
        Map<String, float[]> out = new LinkedHashMap<>();
        p.forEach((name, param) -> {
            if (name.endsWith("running_mean") || name.endsWith("running_var")) {
                out.put(name, param.getArray().toFloatArray());
            }
        });
        return out;
    }

    private static void restore(Map<String, Parameter> p, Map<String, float[]> statistics) {
        statistics.forEach((name, values) -> p.get(name).getArray().set(java.nio.FloatBuffer.wrap(values)));
    }

    /** torchvision's resnet18 forward pass and our head, op by op, nothing in place and nothing closed. */
    private static NDArray reference(Map<String, Parameter> p, NDArray images, boolean batchStats) {
        NDArray x = Activation.relu(norm(p, "bn1", conv(p, "conv1", images, 2), batchStats));
        x = Pool.maxPool2d(x, new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false);
        for (int layer = 1; layer <= 4; layer++) {
            for (int b = 0; b < 2; b++) {
                x = block(p, "layer" + layer + "." + b + ".", x, false, b == 0 && layer > 1 ? 2 : 1, batchStats);
            }
        }
        NDArray e = Linear.linear(Pool.globalAvgPool2d(x), p.get("fc.weight").getArray(), p.get("fc.bias").getArray())
                .singletonOrThrow();
        return e.div(e.square().sum(new int[] {-1}, true).add(EmbeddingNetworks.NORM_EPSILON).sqrt());
    }

    /** torchvision's BasicBlock or Bottleneck whose parameters are named {@code at + "conv1.weight"} and so on. */
    private static NDArray block(Map<String, Parameter> p, String at, NDArray x, boolean bottleneck, int stride,
            boolean batchStats) {
        NDArray y;
        if (bottleneck) {
            y = Activation.relu(norm(p, at + "bn1", conv(p, at + "conv1", x, 1), batchStats));
            y = Activation.relu(norm(p, at + "bn2", conv(p, at + "conv2", y, stride), batchStats));
            y = norm(p, at + "bn3", conv(p, at + "conv3", y, 1), batchStats);
        } else {
            y = Activation.relu(norm(p, at + "bn1", conv(p, at + "conv1", x, stride), batchStats));
            y = norm(p, at + "bn2", conv(p, at + "conv2", y, 1), batchStats);
        }
        // a bottleneck's strided downsample is a matrix product in our block (PointwiseConv2d, whose own test
        // holds it to libtorch's convolution within 1e-5); computed alike here so 1e-6 still isolates in-place use
        NDArray shortcut = p.containsKey(at + "downsample.0.weight")
                ? norm(p, at + "downsample.1", bottleneck && stride > 1
                        ? PointwiseConv2d.apply(x, p.get(at + "downsample.0.weight").getArray(), stride)
                        : conv(p, at + "downsample.0", x, stride), batchStats) : x;
        return Activation.relu(y.add(shortcut));
    }

    /** A bias-free convolution whose padding keeps "same" size at stride 1 (kernel 7: 3, 3: 1, 1: 0). */
    private static NDArray conv(Map<String, Parameter> p, String name, NDArray x, int stride) {
        NDArray w = p.get(name + ".weight").getArray();
        int pad = (int) w.getShape().get(2) / 2;
        return Conv2d.conv2d(x, w, null, new Shape(stride, stride), new Shape(pad, pad)).singletonOrThrow();
    }

    private static NDArray norm(Map<String, Parameter> p, String name, NDArray x, boolean batchStats) {
        return BatchNorm.batchNorm(x, p.get(name + ".running_mean").getArray(), p.get(name + ".running_var").getArray(),
                p.get(name + ".weight").getArray(), p.get(name + ".bias").getArray(), 1, BatchNorm2d.DJL_MOMENTUM,
                BatchNorm2d.EPSILON, batchStats).singletonOrThrow();
    }
}
