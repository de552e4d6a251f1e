package io.streamsynth.bench;

import ai.djl.Device;
import io.streamsynth.model.data.DecodedImage;
import io.streamsynth.model.data.FashionMnist;
import io.streamsynth.model.data.ImageSet;
import io.streamsynth.model.image.ImageSpec;
import io.streamsynth.model.image.InputBatch;
import io.streamsynth.model.image.Preprocessing;
import io.streamsynth.model.metrics.KMeans;
import io.streamsynth.model.metrics.RecallAtK;
import io.streamsynth.model.metrics.RetrievalReport;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.runtime.TorchRuntime;
import io.streamsynth.model.train.EmbeddingModel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The parts of one held-out evaluation as the trainer runs it at every publish (operators'
 * {@code HeldOutSet.evaluate}), in the quickstart's configuration: {@code items} Fashion-MNIST training
 * images (28 x 28 grey, stored raw) of the quickstart's five training classes (0, 1, 5, 7, 8) or of all
 * ten, the small CNN (32 base filters, 128-d embeddings, random weights from seed 1, one PyTorch thread).
 * <ul>
 *   <li>{@code restoreAndPreprocess}: stored bytes to the network's input batch;</li>
 *   <li>{@code embed}: that batch through the CNN, 256 per forward pass;</li>
 *   <li>{@code neighbours}: the cosine neighbour search as deep as {@link RetrievalReport} reads it
 *       (the larger of 8 and the biggest class minus one), with Recall@K from it;</li>
 *   <li>{@code kMeans}: the clustering NMI reads, one cluster per class, 10 restarts;</li>
 *   <li>{@code report}: {@link RetrievalReport#evaluate}, i.e. the two above plus MAP@R and NMI;</li>
 *   <li>{@code evaluation}: all of it in a row, as {@code HeldOutSet.evaluate} runs it when its items
 *       changed since the last evaluation (else it reuses the preprocessed batch and skips the first part).</li>
 * </ul>
 * Needs Fashion-MNIST in {@link FashionMnist#DEFAULT_DIR}. Add {@code -prof
 * io.streamsynth.bench.ProcessCpuProfiler} for CPU time per operation beside the wall clock. Run it
 * with the launcher's malloc settings ({@code MALLOC_MMAP_THRESHOLD_=1073741824
 * MALLOC_TRIM_THRESHOLD_=1073741824 MALLOC_ARENA_MAX=1}, see {@code streamsynth}): without them
 * {@code embed} drifts from 0.6 to 3 s per call within one JVM (docs/BENCHMARKS.md section 1).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1"})
public class HeldOutEvaluationBenchmark {
    /** The quickstart's training classes; its held-out items are drawn from the same stream. */
    private static final Set<Integer> QUICKSTART_CLASSES = Set.of(0, 1, 5, 7, 8);
    private static final int EMBED_BATCH = 256;
    private static final long SEED = 1;

    @Param({"5", "10"})
    public int classes;

    @Param({"2000"})
    public int items;

    private Preprocessing preprocessing;
    private List<byte[]> stored;
    private List<String> labels;
    private EmbeddingModel model;
    private InputBatch inputs;
    private float[][] embeddings;
    private int depth;

    @Setup
    public void setUp() throws IOException {
        if (classes != 5 && classes != 10) {
            throw new IllegalArgumentException("classes is 5 (the quickstart's) or 10, got " + classes);
        }
        TorchRuntime.engine(1);
        ImageSpec spec = ImageSpec.defaultsFor(1);
        preprocessing = new Preprocessing(spec);
        ImageSet train = FashionMnist.load(FashionMnist.DEFAULT_DIR, FashionMnist.Split.TRAIN);
        stored = new ArrayList<>(items);
        labels = new ArrayList<>(items);
        for (int i = 0; i < train.size() && stored.size() < items; i++) {
            if (classes == 10 || QUICKSTART_CLASSES.contains(train.label(i))) {
                DecodedImage image = new DecodedImage(1, train.height(), train.width(), train.imageBytes(i));
                stored.add(preprocessing.store(image));
                labels.add(Integer.toString(train.label(i)));
            }
        }
        model = new EmbeddingModel(new Architecture(Architecture.Kind.CNN, 1, spec.crop(), spec.crop(),
                Architecture.DEFAULT_EMBEDDING_SIZE, 32), Device.cpu(), SEED);
        inputs = restoreAndPreprocess();
        embeddings = model.embed(inputs.pixels(), EMBED_BATCH);
        int largest = 0;
        int[] counts = new int[inputs.classes()];
        for (int label : inputs.labels()) {
            largest = Math.max(largest, ++counts[label]);
        }
        depth = Math.max(8, largest - 1);
    }

    @TearDown
    public void tearDown() {
        model.close();
    }

    @Benchmark
    public InputBatch restoreAndPreprocess() {
        InputBatch.Builder builder = InputBatch.builder(preprocessing, stored.size());
        for (int i = 0; i < stored.size(); i++) {
            builder.addForEmbedding(preprocessing.restore(stored.get(i)), labels.get(i));
        }
        return builder.build();
    }

    @Benchmark
    public float[][] embed() {
        return model.embed(inputs.pixels(), EMBED_BATCH);
    }

    @Benchmark
    public double[] neighbours() {
        return RecallAtK.compute(embeddings, inputs.labels(), 1, 2, 4, depth);
    }

    @Benchmark
    public int[] kMeans() {
        return KMeans.cluster(embeddings, inputs.classes(), SEED);
    }

    @Benchmark
    public RetrievalReport report() {
        return RetrievalReport.evaluate(embeddings, inputs.labels(), SEED);
    }

    @Benchmark
    public RetrievalReport evaluation() {
        InputBatch batch = restoreAndPreprocess();
        return RetrievalReport.evaluate(model.embed(batch.pixels(), EMBED_BATCH), batch.labels(), SEED);
    }
}
