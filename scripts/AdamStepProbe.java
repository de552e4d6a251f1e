/*
 * The optimizer update alone, ResNet-18 (11.7 M parameters in 62 tensors) at 112 x 112, batch 32, one thread: our
 * Adam as it is now (one call to the TorchScript module adam_step.pt for every parameter) against the update as
 * it was written before with DJL's NDArray calls (kept below: per parameter, about twelve tensor operations and
 * up to three full-size temporaries, then the gradient zeroed with a fill). Each repetition runs one forward and
 * backward pass for fresh gradients, then times one update of each kind, alternating; CPU ms of this thread.
 * docs/BENCHMARKS.md section 9.
 *
 * Run (after building app/target/streamsynth.jar):
 *   MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=1073741824 MALLOC_ARENA_MAX=1 \
 *     java -cp app/target/streamsynth.jar scripts/AdamStepProbe.java 8
 */
import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.runtime.HostArrays;
import io.streamsynth.model.runtime.NoGrad;
import io.streamsynth.bench.step.Quartiles;
import io.streamsynth.model.runtime.TorchRuntime;
import io.streamsynth.model.train.Adam;
import io.streamsynth.model.train.EmbeddingModel;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

public class AdamStepProbe {
    static long cpu() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    static double median(List<Double> xs) {
        return Quartiles.of(xs.stream().mapToDouble(Double::doubleValue).toArray()).median();
    }

    /** The update Adam made before adam_step.pt (lr 1e-4, betas 0.9 / 0.999, eps 1e-8, no weight decay). */
    static void previousUpdate(NDArray weight, NDArray gradient, NDArray m, NDArray v, long step) {
        float beta1 = 0.9f;
        float beta2 = 0.999f;
        try (NDArray scaled = gradient.mul(1f - beta1)) {
            m.muli(beta1).addi(scaled);
        }
        try (NDArray squared = gradient.square()) {
            v.muli(beta2).addi(squared.muli(1f - beta2));
        }
        double c1 = 1.0 - Math.pow(beta1, step);
        double c2 = 1.0 - Math.pow(beta2, step);
        try (NDArray denominator = v.sqrt()) {
            denominator.divi((float) Math.sqrt(c2)).addi(1e-8f);
            try (NDArray change = m.mul((float) (1e-4 / c1))) {
                weight.subi(change.divi(denominator));
            }
        }
        gradient.set(new ai.djl.ndarray.index.NDIndex("..."), 0f);
    }

    public static void main(String[] args) throws Exception {
        TorchRuntime.engine(1);
        int size = 112, n = 32, reps = Integer.parseInt(args[0]);
        float[] pixels = new float[n * 3 * size * size];
        Random random = new Random(1);
        for (int i = 0; i < pixels.length; i++) pixels[i] = random.nextFloat();
        Architecture a = new Architecture(Architecture.Kind.RESNET18, 3, size, size, 128, 32);
        try (EmbeddingModel model = new EmbeddingModel(a, Device.cpu(), 1);
             Adam adam = new Adam(model.manager(), 1e-4f, 0f)) {
            PairList<String, Parameter> params = model.parameters();
            List<NDArray> weights = new ArrayList<>();
            List<NDArray> ms = new ArrayList<>();
            List<NDArray> vs = new ArrayList<>();
            for (Pair<String, Parameter> p : params) {
                if (p.getValue().requiresGradient()) {
                    NDArray w = p.getValue().getArray();
                    weights.add(w);
                    ms.add(model.manager().zeros(w.getShape()));
                    vs.add(model.manager().zeros(w.getShape()));
                }
            }
            final long[] steps = {0};
            List<Double> ours = new ArrayList<>(), script = new ArrayList<>();
            for (int r = 0; r < reps + 2; r++) {
                for (int k = 0; k < 2; k++) {
                    try (NDManager m = model.manager().newSubManager()) {
                        NDArray images = HostArrays.floats(m, pixels, new Shape(n, 3, size, size));
                        try (GradientCollector c = TorchRuntime.engine().newGradientCollector()) {
                            c.backward(model.forward(images, true).sum());
                        }
                        long t0 = cpu();
                        if (k == 0) {
                            long step = ++steps[0];
                            NoGrad.run(() -> {
                                for (int i = 0; i < weights.size(); i++) {
                                    previousUpdate(weights.get(i), weights.get(i).getGradient(), ms.get(i), vs.get(i), step);
                                }
                            });
                        } else {
                            adam.update(params);
                        }
                        long t1 = cpu();
                        if (r >= 2) (k == 0 ? ours : script).add((t1 - t0) / 1e6);
                    }
                }
            }
            System.out.printf("update with DJL NDArray calls (before): CPU ms median %.1f %s%n", median(ours), ours);
            System.out.printf("update as one TorchScript call (Adam now): CPU ms median %.1f %s%n", median(script), script);
        }
    }
}
