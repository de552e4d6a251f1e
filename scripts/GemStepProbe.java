import ai.djl.Device;
import io.streamsynth.model.checkpoint.Tensor;
import io.streamsynth.model.data.FashionMnist;
import io.streamsynth.model.data.ImageSet;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.offline.PkSampler;
import io.streamsynth.model.runtime.TorchRuntime;
import io.streamsynth.model.train.EmbeddingModel;
import io.streamsynth.model.train.TrainingConfig;
import io.streamsynth.model.train.TrainingConfigBuilder;
import io.streamsynth.model.train.TrainingStep;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the small CNN's head pooling costs a training step: the quickstart's step (4 x 8, multi-similarity with
 * Symm, one PyTorch thread) with average pooling, GeM at p = 3 (where it starts) and GeM at p = 8 (far past
 * where training takes it; clamp(x, 1e-6)^8 would be a float32 denormal, were there a slow path). Each case
 * is a fresh model: 20 warm-up steps, then 200 timed (wall, and CPU of the stepping thread, on which PyTorch
 * computes with one thread); the cases run in the order given, so repeat them.
 *
 * Run (after building app/target/streamsynth.jar):
 *   TORCH_CPP_LOG_LEVEL=ERROR java -cp app/target/streamsynth.jar scripts/GemStepProbe.java avg gem3 gem8 avg gem3 gem8
 */
public class GemStepProbe {
    public static void main(String[] args) throws Exception {
        TorchRuntime.engine(1);
        ImageSet train = FashionMnist.load(Path.of("/usr/share/datasets/fashion-mnist"), FashionMnist.Split.TRAIN);
        TrainingConfig config = new TrainingConfigBuilder().loss("ms").synthesis("symm").build();
        for (String c : args) {
            boolean gem = c.startsWith("gem");
            Architecture arch = new Architecture(Architecture.Kind.CNN, 1, 28, 28, 128, 32,
                    gem ? Architecture.Pooling.GEM : Architecture.Pooling.AVG);
            try (EmbeddingModel model = new EmbeddingModel(arch, Device.cpu(), 1);
                    TrainingStep step = new TrainingStep(model, config)) {
                if (gem) {
                    float p = Float.parseFloat(c.substring(3));
                    model.importSome(Map.of("avgpool.p", new Tensor(new long[] {1}, new float[] {p})));
                }
                PkSampler sampler = new PkSampler(train, 4, 8, 1);
                for (int i = 0; i < 20; i++) {
                    PkSampler.Batch b = sampler.next();
                    step.run(b.pixels(), b.labels());
                }
                long start = System.nanoTime();
                long cpuStart = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
                for (int i = 0; i < 200; i++) {
                    PkSampler.Batch b = sampler.next();
                    step.run(b.pixels(), b.labels());
                }
                long cpu = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuStart;
                System.out.printf("%s: %.2f ms/step (%.2f CPU ms of this thread)%s%n", c,
                        (System.nanoTime() - start) / 1e6 / 200, cpu / 1e6 / 200,
                        gem ? ", p after 220 steps " + model.exportWeights().get("avgpool.p").data()[0] : "");
            }
        }
    }
}
