/*
 * Would PyTorch's channels-last memory format speed up our ResNets through DJL's libtorch 2.7.1, and does
 * libtorch compute the same results in it? DJL has no call for the format; a (N, C, H, W) view of N, H, W,
 * C memory is made with a permute, a copying reshape and a permute back (channelsLast below), and
 * libtorch's operators keep that layout in their outputs. docs/BENCHMARKS.md section 9.
 *
 *   ops:  convolutions at ResNet-18 shapes (batch 4, random normal), contiguous against channels-last
 *         input, largest absolute difference of the outputs (rounding is about 1e-4 at these magnitudes)
 *   time SIZE REPS: ResNet-18 (our blocks, training mode) forward and backward, batch 32 x 3 x SIZE x SIZE,
 *         the input contiguous or channels last, alternating repetition by repetition in one JVM, one
 *         thread, CPU ms of the computing thread (two warm-up repetitions each)
 *   embed CHANNELS REPS: the job's default network (the small CNN, GeM, CHANNELS x 28 x 28, embedding 128) in inference,
 *         a batch of 256 (the embedder's default), no autograd, the input contiguous or channels last,
 *         alternating as above, with the largest difference of the embeddings
 *
 * Run (after ./mvnw -o -B -q -pl model -am compile and dependency:build-classpath into /tmp/cp.txt):
 *   MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=1073741824 MALLOC_ARENA_MAX=1 \
 *     java -cp model/target/classes:$(cat /tmp/cp.txt) scripts/ChannelsLastProbe.java ops|time [SIZE REPS]
 */
import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.runtime.HostArrays;
import io.streamsynth.model.runtime.TorchRuntime;
import io.streamsynth.model.train.EmbeddingModel;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

public class ChannelsLastProbe {
    static NDArray channelsLast(NDArray x) {
        Shape s = x.getShape();
        return x.transpose(0, 2, 3, 1).reshape(-1).reshape(s.get(0), s.get(2), s.get(3), s.get(1)).transpose(0, 3, 1, 2);
    }

    static long cpu() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
    }

    public static void main(String[] args) {
        TorchRuntime.engine(1);
        if (args[0].equals("ops")) {
            ops();
        } else if (args[0].equals("embed")) {
            embed(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        } else {
            time(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        }
    }

    static void ops() {
        // in, out, kernel, stride, padding, input side: ResNet-18's convolutions of layer2..layer4 at small maps
        int[][] cases = {{128, 256, 3, 2, 1, 8}, {128, 256, 1, 2, 0, 8}, {256, 256, 3, 1, 1, 4}, {256, 512, 3, 2, 1, 4},
                {256, 512, 1, 2, 0, 4}, {512, 512, 3, 1, 1, 2}, {256, 512, 1, 2, 0, 8}, {256, 512, 1, 2, 0, 14}};
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(1);
            for (int[] c : cases) {
                NDArray x = m.randomNormal(new Shape(4, c[0], c[5], c[5]));
                NDArray w = m.randomNormal(new Shape(c[1], c[0], c[2], c[2]));
                NDArray[] y = new NDArray[2];
                for (int k = 0; k < 2; k++) {
                    y[k] = Conv2d.conv2d(k == 0 ? x : channelsLast(x), w, null, new Shape(c[3], c[3]),
                            new Shape(c[4], c[4]), new Shape(1, 1), 1).head();
                }
                System.out.printf("conv %d -> %d, %dx%d, stride %d, padding %d, input %dx%d: largest |difference| %.3g"
                        + " (largest |output| %.3g)%n", c[0], c[1], c[2], c[2], c[3], c[4], c[5], c[5],
                        y[0].sub(y[1]).abs().max().getFloat(), y[0].abs().max().getFloat());
            }
        }
    }

    static void time(int size, int reps) {
        int n = 32;
        float[] pixels = new float[n * 3 * size * size];
        Random random = new Random(1);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextFloat();
        }
        float[] w = new float[n * 128];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextGaussian();
        }
        Architecture a = new Architecture(Architecture.Kind.RESNET18, 3, size, size, 128, 32);
        List<List<Double>> forward = List.of(new ArrayList<>(), new ArrayList<>());
        List<List<Double>> backward = List.of(new ArrayList<>(), new ArrayList<>());
        try (EmbeddingModel model = new EmbeddingModel(a, Device.cpu(), 1)) {
            for (int r = 0; r < reps + 2; r++) {
                for (int k = 0; k < 2; k++) {
                    try (NDManager m = model.manager().newSubManager()) {
                        NDArray images = HostArrays.floats(m, pixels, new Shape(n, 3, size, size));
                        NDArray input = k == 0 ? images : channelsLast(images);
                        NDArray weights = HostArrays.floats(m, w, new Shape(n, 128));
                        long t0 = cpu();
                        long t1;
                        try (GradientCollector c = TorchRuntime.engine().newGradientCollector()) {
                            NDArray loss = model.forward(input, true).mul(weights).sum();
                            loss.getFloat();
                            t1 = cpu();
                            c.backward(loss);
                        }
                        long t2 = cpu();
                        if (r >= 2) {
                            forward.get(k).add((t1 - t0) / 1e6);
                            backward.get(k).add((t2 - t1) / 1e6);
                        }
                    }
                }
            }
        }
        for (int k = 0; k < 2; k++) {
            System.out.printf("size %d, input %s: CPU ms forward median %.0f %s, backward median %.0f %s%n", size,
                    k == 0 ? "contiguous" : "channels last", median(forward.get(k)), forward.get(k).stream()
                            .map(Math::round).toList(), median(backward.get(k)), backward.get(k).stream()
                            .map(Math::round).toList());
        }
    }

    static void embed(int channels, int reps) {
        int n = 256;
        float[] pixels = new float[n * channels * 28 * 28];
        Random random = new Random(1);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextFloat();
        }
        Architecture a = new Architecture(Architecture.Kind.CNN, channels, 28, 28, 128, 32, Architecture.Pooling.GEM);
        List<List<Double>> times = List.of(new ArrayList<>(), new ArrayList<>());
        float difference = 0;
        try (EmbeddingModel model = new EmbeddingModel(a, Device.cpu(), 1)) {
            for (int r = 0; r < reps + 2; r++) {
                float[][] out = new float[2][];
                for (int k = 0; k < 2; k++) {
                    try (NDManager m = model.manager().newSubManager()) {
                        NDArray images = HostArrays.floats(m, pixels, new Shape(n, channels, 28, 28));
                        NDArray input = k == 0 ? images : channelsLast(images);
                        long t0 = cpu();
                        float[][] e = new float[1][];
                        io.streamsynth.model.runtime.NoGrad.run(() -> e[0] = model.forward(input, false).toFloatArray());
                        long t1 = cpu();
                        out[k] = e[0];
                        if (r >= 2) {
                            times.get(k).add((t1 - t0) / 1e6);
                        }
                    }
                }
                for (int i = 0; i < out[0].length; i++) {
                    difference = Math.max(difference, Math.abs(out[0][i] - out[1][i]));
                }
            }
        }
        for (int k = 0; k < 2; k++) {
            System.out.printf("small CNN inference, batch 256 x %d x 28 x 28, input %s: CPU ms median %.1f %s%n",
                    channels, k == 0 ? "contiguous" : "channels last", median(times.get(k)), times.get(k).stream()
                            .map(v -> Math.round(v * 10) / 10.0).toList());
        }
        System.out.printf("largest |difference| of the embeddings: %.3g%n", difference);
    }
}
