/*
 * Rough split of our ResNet-18 training step into forward (+ synthesis, mining, loss), backward and
 * optimizer update, as CPU milliseconds of the calling thread (one PyTorch thread computes there),
 * for comparison with the phase times `bench pytorch` prints for the PyTorch loop. It replays
 * TrainingStep.run's parts one by one, so the step's own total is timed alongside as a check.
 *
 * Run (after building app/target/streamsynth.jar):
 *   MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=1073741824 MALLOC_ARENA_MAX=1 \
 *     java -cp app/target/streamsynth.jar scripts/ProfileResnetStep.java 112 ee 4
 * (image side, synthesis, timed repetitions after one warm-up). It also prints the step's minor page
 * faults and system CPU time: memory the allocator gave back and the step touched again (without
 * MALLOC_ARENA_MAX=1 about 265,000 faults per step at 224x224, docs/BENCHMARKS.md section 7).
 */
import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.runtime.NoGrad;
import io.streamsynth.model.runtime.TorchRuntime;
import io.streamsynth.model.train.EmbeddingModel;
import io.streamsynth.model.train.ParameterOptimizer;
import io.streamsynth.model.train.TrainingConfig;
import io.streamsynth.model.train.TrainingStep;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

public class ProfileResnetStep {
    static long cpu() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    /** Minor page faults of the calling thread so far (field 10 of /proc/thread-self/stat). */
    static long minorFaults() throws Exception {
        String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[7]);
    }

    static long userCpu() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadUserTime();
    }

    public static void main(String[] args) throws Exception {
        int size = Integer.parseInt(args[0]);
        String synthesis = args[1];
        int reps = Integer.parseInt(args[2]);
        TorchRuntime.engine(1);
        Architecture a = new Architecture(Architecture.Kind.RESNET18, 3, size, size, 128, 32);
        int n = 32;
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i / 8;
        }
        float[] pixels = new float[n * a.pixelsPerImage()];
        Random random = new Random(1);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextFloat();
        }
        TrainingConfig config = new TrainingConfig("triplet", Float.NaN, synthesis, 2, "adam", 1e-4f, 0.9f, 0f);
        try (EmbeddingModel model = new EmbeddingModel(a, Device.cpu(), 1);
                TrainingStep step = new TrainingStep(model, config)) {
            ParameterOptimizer optimizer = step.optimizer();
            step.run(pixels, labels);
            double fwd = 0, bwd = 0, opt = 0, whole = 0, system = 0;
            long faults = 0;
            for (int r = 0; r < reps; r++) {
                try (NDManager m = model.manager().newSubManager()) {
                    NDArray images = m.create(pixels, new Shape(n, 3, size, size));
                    long t0 = cpu();
                    long t1;
                    try (GradientCollector c = TorchRuntime.engine().newGradientCollector()) {
                        NDArray e = model.forward(images, true);
                        NDArray loss = config.newLoss().compute(config.newMiner().mine(
                                config.newSynthesis().expand(e, labels), labels));
                        loss.getFloat();
                        t1 = cpu();
                        c.backward(loss);
                    }
                    long t2 = cpu();
                    NoGrad.call(() -> optimizer.update(model.parameters(), name -> 1f));
                    long t3 = cpu();
                    fwd += (t1 - t0) / 1e6;
                    bwd += (t2 - t1) / 1e6;
                    opt += (t3 - t2) / 1e6;
                }
                long s0 = cpu();
                long u0 = userCpu();
                long f0 = minorFaults();
                step.run(pixels, labels);
                faults += minorFaults() - f0;
                long spent = cpu() - s0;
                whole += spent / 1e6;
                system += (spent - (userCpu() - u0)) / 1e6;
            }
            System.out.printf("size %d %s, CPU ms per step (mean of %d): forward+loss %.0f, backward %.0f, "
                    + "optimizer %.0f, sum %.0f; TrainingStep.run %.0f (system %.0f, %d minor page faults)%n", size,
                    synthesis, reps, fwd / reps, bwd / reps, opt / reps, (fwd + bwd + opt) / reps, whole / reps,
                    system / reps, faults / reps);
        }
    }
}
