/*
 * Our side of the step-by-step comparison with scripts/torch-reference.py (issue 13, part 5: where does
 * the Symm gap come from?). It builds the small CNN as `offline` does for a seed, draws that seed's
 * first P x K batches with `offline`'s PkSampler, and runs multi-similarity training steps, writing
 * everything a PyTorch loop needs to replay and check them into one directory:
 *
 *   init.safetensors     the initial weights and batch-norm statistics under their PyTorch names
 *   step-N.safetensors   for step N = 1..steps: the batch (pixels (B,1,28,28), labels (B,) as floats),
 *                        the batch's embeddings (embeddings), the loss (loss), every parameter's gradient
 *                        (grad/NAME) and every parameter after the update (after/NAME); the metadata holds
 *                        the loss and the synthetic share as text
 *   eval.safetensors     eval-mode embeddings (eval_embeddings) of the first 1000 test images of the unseen
 *                        classes (eval_pixels), after the last step: batch-norm running statistics at work
 *
 * The step is TrainingStep.run's, part by part (forward, synthesis, mining, loss, backward, Adam), so the
 * gradients can be read before the optimizer zeroes them; a second model trained with TrainingStep itself
 * on the same batches must end bit for bit at the same weights, which the script checks and prints.
 * `scripts/h13-step-check.py DIR` replays the steps in PyTorch and prints the differences.
 *
 * Run (after building app/target/streamsynth.jar):
 *   TORCH_CPP_LOG_LEVEL=ERROR java -cp app/target/streamsynth.jar scripts/H13StepCheck.java runs/step-symm symm 1 10
 * (directory, synthesis none|ee|symm, seed, steps; optional fifth argument the mining rule, default paper;
 * optional sixth a safetensors file of initial weights to start from instead of the seed's, under our
 * names, e.g. another run's init.safetensors). With -Ddump.from=F (before the file name) only steps F..steps are
 * written, and init.safetensors holds the weights after step F-1 with Adam's moments (m/NAME, v/NAME) and
 * its step count (metadata adam_steps), so the check can start late in training.
 */
import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import io.streamsynth.model.checkpoint.SafeTensors;
import io.streamsynth.model.checkpoint.Tensor;
import io.streamsynth.model.data.FashionMnist;
import io.streamsynth.model.data.ImageSet;
import io.streamsynth.model.loss.MetricLoss;
import io.streamsynth.model.mining.HardNegativePairMiner;
import io.streamsynth.model.mining.MinedPairs;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.offline.PkSampler;
import io.streamsynth.model.runtime.HostArrays;
import io.streamsynth.model.runtime.NoGrad;
import io.streamsynth.model.runtime.TorchRuntime;
import io.streamsynth.model.synthesis.Synthesis;
import io.streamsynth.model.train.EmbeddingModel;
import io.streamsynth.model.train.ParameterOptimizer;
import io.streamsynth.model.train.TrainingConfig;
import io.streamsynth.model.train.TrainingStep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

public class H13StepCheck {
    static final Set<Integer> TRAIN = Set.of(0, 1, 5, 7, 8);
    static final int P = 5;
    static final int K = 16;
    static final int EVAL_IMAGES = 1000;

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String synthesis = args[1];
        long seed = Long.parseLong(args[2]);
        int steps = Integer.parseInt(args[3]);
        String mining = args.length > 4 ? args[4] : "paper";
        Path initFrom = args.length > 5 ? Path.of(args[5]) : null;
        Files.createDirectories(dir);
        TorchRuntime.engine(1);

        ImageSet train = FashionMnist.load(FashionMnist.DEFAULT_DIR, FashionMnist.Split.TRAIN).filterClasses(TRAIN);
        Set<Integer> unseen = new HashSet<>();
        for (int c = 0; c < 10; c++) {
            if (!TRAIN.contains(c)) {
                unseen.add(c);
            }
        }
        ImageSet test = FashionMnist.load(FashionMnist.DEFAULT_DIR, FashionMnist.Split.TEST).filterClasses(unseen);
        int[] first = new int[EVAL_IMAGES];
        Arrays.setAll(first, i -> i);
        ImageSet evalSet = test.subset(first);

        Architecture arch = new Architecture(Architecture.Kind.CNN, 1, 28, 28, 128, 32);
        // the configuration `offline --loss ms --synthesis S` trains with
        TrainingConfig config = new TrainingConfig("ms", Float.NaN, synthesis, 2, mining, "adam", 1e-3f, 0.9f, 0f);
        try (EmbeddingModel model = new EmbeddingModel(arch, Device.cpu(), seed);
                EmbeddingModel twin = new EmbeddingModel(arch, Device.cpu(), seed);
                TrainingStep twinStep = new TrainingStep(twin, config)) {
            if (initFrom != null) {
                Map<String, Tensor> init = SafeTensors.read(Files.readAllBytes(initFrom)).tensors();
                model.importWeights(init);
                twin.importWeights(init);
            }
            int from = Integer.getInteger("dump.from", 1);
            Synthesis synth = config.newSynthesis();
            HardNegativePairMiner miner = config.newMiner();
            MetricLoss loss = config.newLoss();
            ParameterOptimizer optimizer = config.newOptimizer(model.manager());
            PkSampler sampler = new PkSampler(train, P, K, seed);
            for (int s = 1; s <= steps; s++) {
                if (s == from) {
                    LinkedHashMap<String, Tensor> start = new LinkedHashMap<>(model.exportWeights());
                    start.putAll(optimizer.exportState());
                    write(dir.resolve("init.safetensors"), start, Map.of("seed", Long.toString(seed), "synthesis",
                            synthesis, "mining", mining, "first_step", Integer.toString(from), "adam_steps",
                            Long.toString(optimizer.steps())));
                }
                PkSampler.Batch batch = sampler.next();
                LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
                out.put("pixels", new Tensor(new long[] {batch.labels().length, 1, 28, 28}, batch.pixels()));
                float[] labels = new float[batch.labels().length];
                for (int i = 0; i < labels.length; i++) {
                    labels[i] = batch.labels()[i];
                }
                out.put("labels", Tensor.vector(labels));
                float lossValue;
                double share;
                try (NDManager step = model.manager().newSubManager()) {
                    NDArray images = HostArrays.floats(step, batch.pixels(), new Shape(labels.length, 1, 28, 28));
                    try (GradientCollector collector = TorchRuntime.engine().newGradientCollector()) {
                        NDArray embeddings = model.forward(images, true);
                        MinedPairs pairs = miner.mine(synth.expand(embeddings, batch.labels()), batch.labels());
                        NDArray value = loss.compute(pairs);
                        collector.backward(value);
                        lossValue = value.getFloat();
                        share = pairs.syntheticShare();
                        out.put("embeddings", new Tensor(embeddings.getShape().getShape(), embeddings.toFloatArray()));
                    }
                    for (Pair<String, Parameter> p : model.parameters()) {
                        if (p.getValue().requiresGradient()) {
                            NDArray g = p.getValue().getArray().getGradient();
                            out.put("grad/" + p.getKey(), new Tensor(g.getShape().getShape(), g.toFloatArray()));
                        }
                    }
                    NoGrad.call(() -> optimizer.update(model.parameters()));
                }
                out.put("loss", Tensor.scalar(lossValue));
                model.exportWeights().forEach((name, t) -> out.put("after/" + name, t));
                if (s >= from) {
                    write(dir.resolve("step-" + s + ".safetensors"), out,
                            Map.of("loss", Float.toString(lossValue), "synthetic_share", Double.toString(share)));
                }
                twinStep.run(batch.pixels(), batch.labels());
                System.out.printf("step %d loss %.6f synthetic share %.3f%n", s, lossValue, share);
            }
            if (from > steps) {
                write(dir.resolve("init.safetensors"), new LinkedHashMap<>(model.exportWeights()),
                        Map.of("seed", Long.toString(seed), "synthesis", synthesis, "mining", mining));
            }
            optimizer.close();
            double maxTwin = 0;
            Map<String, Tensor> a = model.exportWeights();
            Map<String, Tensor> b = twin.exportWeights();
            for (String name : a.keySet()) {
                float[] x = a.get(name).data();
                float[] y = b.get(name).data();
                for (int i = 0; i < x.length; i++) {
                    maxTwin = Math.max(maxTwin, Math.abs(x[i] - y[i]));
                }
            }
            System.out.printf("TrainingStep.run twin after %d steps: max |weight difference| %.3g%n", steps, maxTwin);
            float[][] e = model.embed(evalSet.pixels(), 500);
            float[] flat = new float[e.length * e[0].length];
            for (int i = 0; i < e.length; i++) {
                System.arraycopy(e[i], 0, flat, i * e[0].length, e[0].length);
            }
            LinkedHashMap<String, Tensor> eval = new LinkedHashMap<>();
            eval.put("eval_pixels", new Tensor(new long[] {EVAL_IMAGES, 1, 28, 28}, evalSet.pixels()));
            eval.put("eval_embeddings", new Tensor(new long[] {e.length, e[0].length}, flat));
            write(dir.resolve("eval.safetensors"), eval, Map.of());
            System.out.println("wrote " + dir);
        }
    }

    static void write(Path file, LinkedHashMap<String, Tensor> tensors, Map<String, String> metadata) throws Exception {
        Files.write(file, SafeTensors.write(tensors, metadata));
    }
}
