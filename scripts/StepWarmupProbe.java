import ai.djl.Device;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.runtime.TorchRuntime;
import io.streamsynth.model.train.*;
import java.lang.management.ManagementFactory;
import java.util.*;

/**
 * Our ResNet-18 training step (TrainingStep.run: triplet, Adam 1e-4, batch 4 x 8 of random pixels, one PyTorch
 * thread) STEPS times from a fresh model, printing each step's CPU / wall ms: how many steps it takes to reach
 * its steady time (bench pytorch's --warmup). docs/BENCHMARKS.md section 9.
 *
 *   MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=1073741824 MALLOC_ARENA_MAX=1 \
 *     java -cp app/target/streamsynth.jar scripts/StepWarmupProbe.java SIZE none|ee|symm STEPS
 */
public class StepWarmupProbe {
    public static void main(String[] args) {
        TorchRuntime.engine(1);
        int size = Integer.parseInt(args[0]);
        Architecture a = new Architecture(Architecture.Kind.RESNET18, 3, size, size, 128, 32);
        int n = 32;
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = i / 8;
        float[] pixels = new float[n * a.pixelsPerImage()];
        Random random = new Random(1);
        for (int i = 0; i < pixels.length; i++) pixels[i] = random.nextFloat();
        TrainingConfig config = new TrainingConfig("triplet", Float.NaN, args[1], 2, "adam", 1e-4f, 0.9f, 0f);
        var mx = ManagementFactory.getThreadMXBean();
        try (EmbeddingModel model = new EmbeddingModel(a, Device.cpu(), 1); TrainingStep step = new TrainingStep(model, config)) {
            StringBuilder sb = new StringBuilder();
            for (int s = 0; s < Integer.parseInt(args[2]); s++) {
                long c0 = mx.getCurrentThreadCpuTime(); long w0 = System.nanoTime();
                step.run(pixels, labels);
                sb.append(String.format("%.0f/%.0f ", (mx.getCurrentThreadCpuTime() - c0) / 1e6, (System.nanoTime() - w0) / 1e6));
            }
            System.out.println(sb);
        }
    }
}
