/*
 * Forward and backward CPU time of ResNet-18 with our embedding head through DJL's libtorch 2.7.1, two
 * ways: our block composition (--architecture resnet18, EmbeddingModel.forward in training mode), and
 * torchvision's resnet18 traced by torch 1.13 (scripts/resnet_phases.py trace) run as one TorchScript
 * call. Same batch (32 x 3 x S x S), same loss (a fixed linear function of the embeddings), one thread.
 * Traced equal to ours: the time is in the engine, not in our blocks; traced faster: in our composition.
 * scripts/resnet_phases.py times the same in torch 1.13. docs/BENCHMARKS.md section 9.
 *
 * With "both", the two alternate repetition by repetition in one JVM (ours first), so the
 * machine's load changes hit both alike; each is then warmed up twice.
 *
 * Run (after ./mvnw -o -B -q -pl model -am compile and dependency:build-classpath into /tmp/cp.txt):
 *   MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=1073741824 MALLOC_ARENA_MAX=1 \
 *     java -cp model/target/classes:$(cat /tmp/cp.txt) scripts/ProfileResnetPhases.java 112 5 ours|traced|both FILE.pt \
 *       [PROFILE.json]
 * (image side, timed repetitions after two warm-up ones, which network, the traced file; with a last
 * argument, one more repetition under libtorch's autograd profiler, written as a Chrome trace.)
 */
import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.runtime.HostArrays;
import io.streamsynth.model.runtime.TorchRuntime;
import io.streamsynth.model.train.EmbeddingModel;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

public class ProfileResnetPhases {
    static long cpu() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
    }

    static String rounded(List<Double> xs) {
        return xs.stream().map(x -> Long.toString(Math.round(x))).toList().toString();
    }

    public static void main(String[] args) throws Exception {
        int size = Integer.parseInt(args[0]);
        int reps = Integer.parseInt(args[1]);
        String which = args[2];
        String profile = args.length > 4 ? args[4] : null;
        TorchRuntime.engine(1);
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
        try (EmbeddingModel model = new EmbeddingModel(a, Device.cpu(), 1)) {
            NDManager root = model.manager();
            Function<NDArray, NDArray> ours = x -> model.forward(x, true);
            Function<NDArray, NDArray> traced = null;
            if (!which.equals("ours")) {
                PtSymbolBlock module = JniUtils.loadModule((PtNDManager) root, Path.of(args[3]), true, new String[0],
                        new String[0], true);
                JniUtils.enableTrainingMode(module);
                module.getDirectParameters().forEach(p -> p.getValue().getArray().setRequiresGradient(true));
                traced = x -> IValueUtils.forward(module, new NDList(x), true).singletonOrThrow();
            }
            List<String> names = which.equals("both") ? List.of("ours", "traced") : List.of(which);
            List<Function<NDArray, NDArray>> nets = which.equals("both") ? List.of(ours, traced)
                    : List.of(which.equals("ours") ? ours : traced);
            List<List<Double>> forward = new ArrayList<>();
            List<List<Double>> backward = new ArrayList<>();
            for (int k = 0; k < nets.size(); k++) {
                forward.add(new ArrayList<>());
                backward.add(new ArrayList<>());
            }
            for (int r = 0; r < reps + 2 + (profile == null ? 0 : 1); r++) {
                for (int k = 0; k < nets.size(); k++) {
                    boolean profiled = profile != null && r == reps + 2;
                    try (NDManager m = root.newSubManager()) {
                        NDArray images = HostArrays.floats(m, pixels, new Shape(n, 3, size, size));
                        NDArray weights = HostArrays.floats(m, w, new Shape(n, 128));
                        if (profiled) {
                            JniUtils.startProfile(false, false, false);
                        }
                        long t0 = cpu();
                        long t1;
                        try (GradientCollector c = TorchRuntime.engine().newGradientCollector()) {
                            NDArray loss = nets.get(k).apply(images).mul(weights).sum();
                            loss.getFloat();
                            t1 = cpu();
                            c.backward(loss);
                        }
                        long t2 = cpu();
                        if (profiled) {
                            JniUtils.stopProfile(names.size() == 1 ? profile : profile.replace(".json", "-" + names.get(k)
                                    + ".json"));
                        } else if (r >= 2) {
                            forward.get(k).add((t1 - t0) / 1e6);
                            backward.get(k).add((t2 - t1) / 1e6);
                        }
                    }
                }
            }
            for (int k = 0; k < nets.size(); k++) {
                System.out.printf("djl libtorch 2.7.1 size %d %s: CPU ms forward median %.0f %s, backward median %.0f %s%n",
                        size, names.get(k), median(forward.get(k)), rounded(forward.get(k)), median(backward.get(k)),
                        rounded(backward.get(k)));
            }
        }
    }
}
