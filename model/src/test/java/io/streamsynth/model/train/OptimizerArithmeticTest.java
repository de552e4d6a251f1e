package io.streamsynth.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.PairList;
import io.streamsynth.model.checkpoint.Tensor;
import io.streamsynth.model.runtime.HostArrays;
import io.streamsynth.model.runtime.NoGrad;
import io.streamsynth.model.runtime.TorchRuntime;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Our optimizers against the update rules of {@code torch.optim.Adam} and {@code torch.optim.SGD}
 * (their documented algorithms), computed here in double precision on the host, over several steps
 * with chosen gradients, weight decay and a learning-rate scale (a backbone's factor).
 */
class OptimizerArithmeticTest {
    private static final int N = 12;
    private static final int STEPS = 6;
    private static final float LR = 1e-2f;
    private static final float WEIGHT_DECAY = 0.05f;
    private static final float LR_SCALE = 0.5f;

    @Test
    void adamFollowsTorchOptimAdamOverSeveralSteps() {
        // without weight decay the tiny gradients below reach the denominator unmasked
        adamFollowsTorch(0f);
        adamFollowsTorch(WEIGHT_DECAY);
    }

    private static void adamFollowsTorch(float weightDecay) {
        Random random = new Random(7);
        double[] w = randoms(random, 1.0);
        double[][] grads = new double[STEPS][];
        for (int t = 0; t < STEPS; t++) {
            // steps alternating between gradients of order 1 and 1e-4, so the bias corrections matter;
            // every third element's always near 1e-7, where epsilon (1e-8) and where it is added matter
            grads[t] = randoms(random, t % 2 == 0 ? 1.0 : 1e-4);
            for (int i = 0; i < N; i += 3) {
                grads[t][i] = (float) (grads[t][i] * (t % 2 == 0 ? 1e-7 : 1e-3));
            }
        }
        double[] m = new double[N];
        double[] v = new double[N];
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-8;
        double[][] expected = new double[STEPS][];
        for (int t = 1; t <= STEPS; t++) {
            for (int i = 0; i < N; i++) {
                double g = grads[t - 1][i] + weightDecay * w[i];
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double denominator = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(b2, t)) + eps;
                w[i] -= LR * LR_SCALE / (1 - Math.pow(b1, t)) * m[i] / denominator;
            }
            expected[t - 1] = w.clone();
        }
        try (NDManager manager = TorchRuntime.engine().newBaseManager();
                Adam adam = new Adam(manager, LR, weightDecay)) {
            float[][] actual = run(manager, adam, new Random(7), grads);
            for (int t = 0; t < STEPS; t++) {
                assertClose(actual[t], expected[t], "weight decay " + weightDecay + ", weights after step " + (t + 1));
            }
            Map<String, Tensor> state = adam.exportState();
            assertClose(state.get("m/w").data(), m, "first moment");
            assertClose(state.get("v/w").data(), v, "second moment");
            assertThat(adam.steps()).isEqualTo(STEPS);
        }
    }

    @Test
    void sgdMomentumFollowsTorchOptimSgdOverSeveralSteps() {
        Random random = new Random(7);
        double[] w = randoms(random, 1.0);
        double[][] grads = new double[STEPS][];
        for (int t = 0; t < STEPS; t++) {
            grads[t] = randoms(random, 1.0);
        }
        double mu = 0.9;
        double[] buffer = new double[N];
        double[][] expected = new double[STEPS][];
        for (int t = 0; t < STEPS; t++) {
            for (int i = 0; i < N; i++) {
                double g = grads[t][i] + WEIGHT_DECAY * w[i];
                // torch.optim.SGD starts the buffer at the first gradient: mu * 0 + g is the same
                buffer[i] = mu * buffer[i] + g;
                w[i] -= LR * LR_SCALE * buffer[i];
            }
            expected[t] = w.clone();
        }
        try (NDManager manager = TorchRuntime.engine().newBaseManager();
                SgdMomentum sgd = new SgdMomentum(manager, LR, (float) mu, WEIGHT_DECAY)) {
            float[][] actual = run(manager, sgd, new Random(7), grads);
            for (int t = 0; t < STEPS; t++) {
                assertClose(actual[t], expected[t], "weights after step " + (t + 1));
            }
        }
    }

    /**
     * Sets the weight from the same random stream as the reference, then for each step makes the
     * gradient exactly {@code grads[t]} (the backward pass of sum(w * g)) and updates; returns the
     * weights after each step and checks that each update leaves the gradient zeroed.
     */
    private static float[][] run(NDManager manager, ParameterOptimizer optimizer, Random random, double[][] grads) {
        Parameter parameter = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).build();
        NDArray weight = HostArrays.floats(manager, toFloats(randoms(random, 1.0)), new Shape(3, 4));
        weight.setRequiresGradient(true);
        parameter.setArray(weight);
        PairList<String, Parameter> parameters = new PairList<>();
        parameters.add("w", parameter);
        float[][] out = new float[grads.length][];
        for (int t = 0; t < grads.length; t++) {
            try (NDManager step = manager.newSubManager()) {
                NDArray g = HostArrays.floats(step, toFloats(grads[t]), new Shape(3, 4));
                try (GradientCollector c = TorchRuntime.engine().newGradientCollector()) {
                    c.backward(weight.mul(g).sum());
                }
                assertThat(NoGrad.call(() -> optimizer.update(parameters, name -> LR_SCALE))).isTrue();
                assertThat(weight.getGradient().toFloatArray()).as("gradient after step " + (t + 1))
                        .containsOnly(0f);
            }
            out[t] = weight.toFloatArray();
        }
        return out;
    }

    private static double[] randoms(Random random, double scale) {
        double[] out = new double[N];
        for (int i = 0; i < N; i++) {
            // rounded to float first, so both sides start from the same numbers
            out[i] = (float) (random.nextGaussian() * scale);
        }
        return out;
    }

    private static float[] toFloats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    private static void assertClose(float[] actual, double[] expected, String what) {
        assertThat(actual).as(what).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            // float32 arithmetic on weights of order 1: a few ulps
            assertThat((double) actual[i]).as(what + " [" + i + "]").isCloseTo(expected[i],
                    within(1e-6 + 1e-6 * Math.abs(expected[i])));
        }
    }
}
