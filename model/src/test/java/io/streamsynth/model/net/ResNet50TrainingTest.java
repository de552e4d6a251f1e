package io.streamsynth.model.net;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.streamsynth.model.checkpoint.SafeTensors;
import io.streamsynth.model.checkpoint.Tensor;
import io.streamsynth.model.runtime.TorchRuntime;
import io.streamsynth.model.train.EmbeddingModel;
import io.streamsynth.model.train.StepResult;
import io.streamsynth.model.train.TrainingConfig;
import io.streamsynth.model.train.TrainingStep;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * ResNet-50 trains: before its strided downsample convolutions became matrix products, the first backward
 * pass killed the JVM here with SIGFPE in libtorch 2.7.1's oneDNN (docs/BENCHMARKS.md section 9), so every
 * test below is also that crash's regression test. Training-mode forward and backward passes are held to
 * torchvision's (Debian's torch 1.13, fixtures of make_resnet50_training_fixtures.py): one bottleneck block
 * within 1e-5 and the whole network within 1e-4, both relative to each tensor's largest value.
 */
class ResNet50TrainingTest {
    private static final int SIDE = 64;
    private static final int EMBEDDING = 16;
    /** Relative to each tensor's largest value (gradients reach 70 here, where a float32 ulp is 8e-6). */
    private static final double BLOCK_TOLERANCE = 1e-5;
    private static final double NETWORK_TOLERANCE = 1e-4;

    @Test
    void bottleneckTrainingPassMatchesTorchvisionsBlockAndItsGradients() throws IOException {
        SafeTensors.Contents f = fixture("bottleneck_training.safetensors");
        Tensor input = f.tensor("input");
        NamedSequential root = new NamedSequential().then("block", new ResidualBlock(true, 32, 16, 2));
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            root.initialize(manager, DataType.FLOAT32, new Shape(input.shape()));
            Map<String, Parameter> params = TorchNames.of(root);
            params.forEach((name, p) -> p.getArray().set(FloatBuffer.wrap(f.tensor(name).data())));
            NDArray x = manager.create(input.data(), new Shape(input.shape()));
            x.setRequiresGradient(true);
            float[] output;
            try (GradientCollector c = TorchRuntime.engine().newGradientCollector()) {
                NDArray y = root.forward(new ParameterStore(manager, false), new NDList(x), true).singletonOrThrow();
                output = y.toFloatArray();
                c.backward(y.mul(manager.create(f.tensor("probe").data(), y.getShape())).sum());
            }

            assertRelativelyClose("output", output, f.tensor("output").data(), BLOCK_TOLERANCE);
            assertRelativelyClose("input gradient", x.getGradient().toFloatArray(), f.tensor("grad.input").data(),
                    BLOCK_TOLERANCE);
            int gradients = 0;
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                String name = e.getKey();
                if (name.endsWith("running_mean") || name.endsWith("running_var")) {
                    assertRelativelyClose(name, e.getValue().getArray().toFloatArray(), f.tensor("after." + name).data(),
                            BLOCK_TOLERANCE);
                } else {
                    assertRelativelyClose(name + " gradient", e.getValue().getArray().getGradient().toFloatArray(),
                            f.tensor("grad." + name).data(), BLOCK_TOLERANCE);
                    gradients++;
                }
            }
            // conv1..3 and downsample.0 weights, bn1..3 and downsample.1 weights and biases
            assertThat(gradients).isEqualTo(12);
        }
    }

    @Test
    void resnet50TrainingPassMatchesTorchvisionsGradients() throws IOException {
        SafeTensors.Contents f = fixture("resnet50_training.safetensors");
        Architecture a = new Architecture(Architecture.Kind.RESNET50, 3, SIDE, SIDE, EMBEDDING, 64);
        try (EmbeddingModel m = new EmbeddingModel(a, Device.cpu(), 1);
                NDManager scratch = m.manager().newSubManager()) {
            Map<String, Parameter> p = new LinkedHashMap<>();
            for (Pair<String, Parameter> e : m.parameters()) {
                p.put(e.getKey(), e.getValue());
            }
            setFormulaWeights(p);
            Tensor input = f.tensor("input");
            NDArray images = scratch.create(input.data(), new Shape(input.shape()));
            float[] embeddings;
            try (GradientCollector c = TorchRuntime.engine().newGradientCollector()) {
                NDArray e = m.forward(images, true);
                embeddings = e.toFloatArray();
                c.backward(e.mul(scratch.create(f.tensor("probe").data(), e.getShape())).sum());
            }

            assertRelativelyClose("embeddings", embeddings, f.tensor("embeddings").data());
            for (String name : new String[] {"conv1.weight", "bn1.weight", "fc.weight", "fc.bias",
                    "layer4.0.downsample.1.weight", "layer3.0.bn3.weight", "layer4.2.bn3.weight"}) {
                assertRelativelyClose(name, gradient(p, name).toFloatArray(), f.tensor("grad." + name).data());
            }
            for (String name : new String[] {"layer3.0.downsample.0.weight", "layer4.0.downsample.0.weight"}) {
                NDArray g = gradient(p, name);
                NDArray matrix = g.reshape(g.getShape().get(0), -1);
                assertRelativelyClose("rowsum " + name, matrix.sum(new int[] {1}).toFloatArray(),
                        f.tensor("rowsum." + name).data());
                assertRelativelyClose("colsum " + name, matrix.sum(new int[] {0}).toFloatArray(),
                        f.tensor("colsum." + name).data());
            }
            assertRelativelyClose("running mean", p.get("layer4.0.downsample.1.running_mean").getArray()
                    .toFloatArray(), f.tensor("after.layer4.0.downsample.1.running_mean").data());
        }
    }

    /** Our trainer's whole step (triplet loss, Adam) on a fixed P x K batch, several times over. */
    @Test
    void resnet50TrainsThroughTheTrainingStepAndLowersTheLossOfItsBatch() {
        Architecture a = new Architecture(Architecture.Kind.RESNET50, 3, 32, 32, EMBEDDING, 64);
        int[] labels = {0, 0, 1, 1};
        float[] pixels = new float[labels.length * a.pixelsPerImage()];
        Random random = new Random(5);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextFloat();
        }
        TrainingConfig config = new TrainingConfig("triplet", Float.NaN, "none", 2, "adam", 1e-3f, 0.9f, 0f);
        try (EmbeddingModel m = new EmbeddingModel(a, Device.cpu(), 3);
                TrainingStep step = new TrainingStep(m, config)) {
            NDArray downsample = null;
            for (Pair<String, Parameter> e : m.parameters()) {
                if (e.getKey().equals("layer4.0.downsample.0.weight")) {
                    downsample = e.getValue().getArray();
                }
            }
            float[] before = downsample.toFloatArray();
            StepResult first = step.run(pixels, labels);
            StepResult second = step.run(pixels, labels);
            StepResult third = step.run(pixels, labels);

            assertThat(first.loss()).as("a loss to lower").isGreaterThan(0.01f);
            assertThat(second.loss()).isLessThan(first.loss());
            assertThat(third.loss()).isLessThan(second.loss()).isLessThan(first.loss() * 0.9f);
            assertThat(downsample.toFloatArray()).as("the crashing convolution's weight trained").isNotEqualTo(before);
        }
    }

    /**
     * The weights of make_resnet50_training_fixtures.py: element i of the t-th tensor of the state_dict
     * (torchvision's order, num_batches_tracked left out) is amp * (frac - 0.5) with frac =
     * ((i * 2654435761 + 40503 * (t + 1)) mod 2^32) / 2^32 and amp = sqrt(24 / fan_in) for weights of rank
     * 2 and more; batch-norm weights 1 (bn3 0), biases and running means 0, running variances 1.
     */
    private static void setFormulaWeights(Map<String, Parameter> p) {
        int t = 0;
        for (Map.Entry<String, Parameter> e : p.entrySet()) {
            String name = e.getKey();
            NDArray array = e.getValue().getArray();
            Shape shape = array.getShape();
            float[] v = new float[(int) shape.size()];
            if (name.endsWith("bn3.weight")) {
                java.util.Arrays.fill(v, 0f);
            } else if (name.endsWith("running_var") || (shape.dimension() == 1 && name.endsWith("weight"))) {
                java.util.Arrays.fill(v, 1f);
            } else if (shape.dimension() > 1) {
                double amp = Math.sqrt(24.0 / (shape.size() / shape.get(0)));
                for (int i = 0; i < v.length; i++) {
                    long h = (i * 2654435761L + 40503L * (t + 1)) % (1L << 32);
                    v[i] = (float) (amp * (h / 4294967296.0 - 0.5));
                }
            }
            array.set(FloatBuffer.wrap(v));
            t++;
        }
    }

    private static NDArray gradient(Map<String, Parameter> p, String name) {
        assertThat(p).containsKey(name);
        return p.get(name).getArray().getGradient();
    }

    private static void assertRelativelyClose(String what, float[] actual, float[] expected) {
        assertRelativelyClose(what, actual, expected, NETWORK_TOLERANCE);
    }

    /** The largest absolute difference is below {@code tolerance} times the reference's largest absolute value. */
    private static void assertRelativelyClose(String what, float[] actual, float[] expected, double tolerance) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        double scale = 0;
        double worst = 0;
        for (int i = 0; i < actual.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
        }
        assertThat(scale).as(what + ": a reference that is not all zeros").isGreaterThan(0);
        assertThat(worst / scale).as(what + ": largest difference relative to the largest value").isLessThan(tolerance);
    }

    private static SafeTensors.Contents fixture(String name) throws IOException {
        try (InputStream in = TorchvisionFixtures.resource(name)) {
            return SafeTensors.read(in.readAllBytes());
        }
    }
}
