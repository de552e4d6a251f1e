/*
 * ResNet's stem max pool (3x3, stride 2, padding 1) through DJL's libtorch 2.7.1: in the default (contiguous)
 * layout; on a channels-last copy of its input with the output copied back to contiguous, so that
 * nothing before or after it changes layout (two ways); and as ReluMaxPool runs it now, the TorchScript module
 * relu_max_pool_k*.pt from the model jar (maxima found in channels last outside autograd, output gathered).
 * docs/BENCHMARKS.md section 9.
 *
 *   check: the four ways give the same output and the same input gradient (max pooling selects, so exactly)
 *   time SIZE REPS: relu then max pool, forward and backward (a fixed random upstream gradient), on
 *          conv1's output at SIZE x SIZE images (32 x 64 x SIZE/2 x SIZE/2), the three ways alternating
 *          repetition by repetition, one thread, CPU ms of the computing thread (two warm-up repetitions)
 *   pool C SIDE KERNEL STRIDE PADDING REPS: the same for a pooling of 32 x C x SIDE x SIDE (the small CNN's
 *          2x2 poolings: pool 32 28 2 2 0 R, pool 64 14 2 2 0 R, pool 128 7 2 2 0 R)
 *
 * Run (after ./mvnw -o -B -q -pl model -am compile and dependency:build-classpath into /tmp/cp.txt):
 *   MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=1073741824 MALLOC_ARENA_MAX=1 \
 *     java -cp model/target/classes:$(cat /tmp/cp.txt) scripts/MaxPoolLayoutProbe.java check|time [SIZE REPS]
 */
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.GradientCollector;
import io.streamsynth.bench.step.Quartiles;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.runtime.BundledScript;
import io.streamsynth.model.runtime.TorchRuntime;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import ai.djl.ndarray.NDList;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;

public class MaxPoolLayoutProbe {
    static NDArray toChannelsLast(NDArray x) {
        Shape s = x.getShape();
        return x.reshape(-1).reshape(s).transpose(0, 2, 3, 1).reshape(-1).reshape(s.get(0), s.get(2), s.get(3), s.get(1))
                .transpose(0, 3, 1, 2);
    }

    static NDArray toContiguous(NDArray y) {
        Shape o = y.getShape();
        return y.reshape(o.get(0), -1).reshape(o);
    }

    static int kernel = 3;
    static int stride = 2;
    static int padding = 1;

    static NDArray maxPool(NDArray x) {
        return Pool.maxPool2d(x, new Shape(kernel, kernel), new Shape(stride, stride), new Shape(padding, padding),
                false);
    }

    static PtSymbolBlock scripted;

    /** ReluMaxPool's module for the current kernel, stride and padding, from the classpath (the model jar). */
    static void loadScripted() {
        String name = "relu_max_pool_k" + kernel + "s" + stride + "p" + padding + ".pt";
        scripted = BundledScript.load(Architecture.class, name, NDManager.newBaseManager());
    }

    /**
     * 0: relu, pool; 1: relu, to channels last, pool, back; 2: to channels last, relu, pool, back (ReluMaxPool
     * before); 3: the scripted module (ReluMaxPool now).
     */
    static NDArray pool(NDArray x, int variant) {
        return switch (variant) {
            case 0 -> maxPool(Activation.relu(x));
            case 1 -> toContiguous(maxPool(toChannelsLast(Activation.relu(x))));
            case 2 -> toContiguous(maxPool(Activation.relu(toChannelsLast(x))));
            default -> IValueUtils.forward(scripted, new NDList(x), true).singletonOrThrow();
        };
    }

    static final String[] NAMES = {"contiguous", "relu, then channels last for the pool", "channels last for relu and pool",
        "scripted: maxima in channels last, output gathered"};
    static final int WAYS = NAMES.length;

    static long cpu() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    static double median(List<Double> xs) {
        return Quartiles.of(xs.stream().mapToDouble(Double::doubleValue).toArray()).median();
    }

    public static void main(String[] args) throws Exception {
        TorchRuntime.engine(1);
        if (args[0].equals("check")) {
            loadScripted();
            for (int side : new int[] {56, 112, 7, 9}) {
                check(side);
            }
        } else if (args[0].equals("pool")) {
            kernel = Integer.parseInt(args[3]);
            stride = Integer.parseInt(args[4]);
            padding = Integer.parseInt(args[5]);
            loadScripted();
            time(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[6]));
        } else {
            loadScripted();
            time(64, Integer.parseInt(args[1]) / 2, Integer.parseInt(args[2]));
        }
    }

    static void check(int side) {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(7);
            NDArray base = m.randomNormal(new Shape(4, 64, side, side));
            NDArray g = m.randomNormal(new Shape(4, 64, (side + 1) / 2, (side + 1) / 2));
            NDArray[] out = new NDArray[WAYS];
            NDArray[] grad = new NDArray[WAYS];
            for (int k = 0; k < WAYS; k++) {
                NDArray x = base.duplicate();
                x.setRequiresGradient(true);
                try (GradientCollector c = TorchRuntime.engine().newGradientCollector()) {
                    NDArray y = pool(x, k);
                    out[k] = y.duplicate();
                    c.backward(y.mul(g).sum());
                }
                grad[k] = x.getGradient().duplicate();
            }
            for (int k = 1; k < WAYS; k++) {
                System.out.printf("side %d, %s: output shape %s, largest |difference| %.3g; input gradient largest"
                        + " |difference| %.3g (largest |gradient| %.3g)%n", side, NAMES[k], out[0].getShape(),
                        out[0].sub(out[k]).abs().max().getFloat(), grad[0].sub(grad[k]).abs().max().getFloat(),
                        grad[0].abs().max().getFloat());
            }
        }
    }

    static void time(int channels, int side, int reps) {
        int out = (side + 2 * padding - kernel) / stride + 1;
        List<List<Double>> forward = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        List<List<Double>> backward = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(3);
            NDArray base = m.randomNormal(new Shape(32, channels, side, side));
            NDArray g = m.randomNormal(new Shape(32, channels, out, out));
            for (int r = 0; r < reps + 2; r++) {
                for (int k = 0; k < WAYS; k++) {
                    try (NDManager step = m.newSubManager()) {
                        NDArray x = base.duplicate();
                        x.attach(step);
                        x.setRequiresGradient(true);
                        long t0 = cpu();
                        long t1;
                        try (GradientCollector c = TorchRuntime.engine().newGradientCollector()) {
                            NDArray loss = pool(x, k).mul(g).sum();
                            loss.getFloat();
                            t1 = cpu();
                            c.backward(loss);
                        }
                        x.getGradient().getFloat(0, 0, 0, 0);
                        long t2 = cpu();
                        if (r >= 2) {
                            forward.get(k).add((t1 - t0) / 1e6);
                            backward.get(k).add((t2 - t1) / 1e6);
                        }
                    }
                }
            }
        }
        for (int k = 0; k < WAYS; k++) {
            System.out.printf("pool %dx%d stride %d padding %d, input 32x%dx%dx%d, %s: CPU ms forward median %.1f %s,"
                    + " backward median %.1f %s%n", kernel, kernel, stride, padding, channels, side, side, NAMES[k],
                    median(forward.get(k)), forward.get(k).stream().map(v -> Math.round(v * 10) / 10.0).toList(),
                    median(backward.get(k)), backward.get(k).stream().map(v -> Math.round(v * 10) / 10.0).toList());
        }
    }
}
