package io.streamsynth.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.streamsynth.model.loss.Losses;
import io.streamsynth.model.loss.MetricLoss;
import io.streamsynth.model.mining.HardNegativePairMiner;
import io.streamsynth.model.mining.MiningRule;
import io.streamsynth.model.mining.MinedPairs;
import io.streamsynth.model.runtime.HostArrays;
import io.streamsynth.model.runtime.NoGrad;
import io.streamsynth.model.runtime.TorchRuntime;
import io.streamsynth.model.synthesis.Syntheses;
import io.streamsynth.model.synthesis.Synthesis;
import java.util.Random;
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
 * What synthesis and hard negative pair mining add to a step, without the network: on fixed
 * unit-norm embeddings of a P x K batch, (a) synthesis and mining alone, (b) the loss's forward and
 * backward pass through them. The difference between {@code none} and {@code ee}/{@code symm} here
 * is the whole extra work the methods put on a training step.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1"})
public class SynthesisLossBenchmark {
    @Param({"none", "ee", "symm"})
    public String synthesis;

    @Param({"triplet", "ms"})
    public String loss;

    @Param({"64"})
    public int batchSize;

    @Param({"128"})
    public int embeddingSize;

    private NDManager root;
    private float[] embeddings;
    private int[] labels;
    private Synthesis method;
    private MetricLoss metricLoss;
    private HardNegativePairMiner miner;

    @Setup
    public void setUp() {
        TorchRuntime.engine(1);
        root = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        method = Syntheses.create(synthesis, 2);
        miner = new HardNegativePairMiner(method.miningPlan(MiningRule.PAPER));
        metricLoss = Losses.create(loss, Float.NaN);
        labels = new int[batchSize];
        for (int i = 0; i < batchSize; i++) {
            labels[i] = i / 8;
        }
        Random random = new Random(7);
        embeddings = new float[batchSize * embeddingSize];
        for (int i = 0; i < batchSize; i++) {
            double norm = 0;
            for (int j = 0; j < embeddingSize; j++) {
                float v = (float) random.nextGaussian();
                embeddings[i * embeddingSize + j] = v;
                norm += v * v;
            }
            for (int j = 0; j < embeddingSize; j++) {
                embeddings[i * embeddingSize + j] /= (float) Math.sqrt(norm);
            }
        }
    }

    @TearDown
    public void tearDown() {
        root.close();
    }

    @Benchmark
    public double synthesisAndMining() {
        try (NDManager step = root.newSubManager()) {
            NDArray e = HostArrays.floats(step, embeddings, new Shape(batchSize, embeddingSize));
            return NoGrad.call(() -> miner.mine(method.expand(e, labels), labels).syntheticShare());
        }
    }

    @Benchmark
    public float lossForwardBackward() {
        try (NDManager step = root.newSubManager();
                GradientCollector collector = TorchRuntime.engine().newGradientCollector()) {
            NDArray e = HostArrays.floats(step, embeddings, new Shape(batchSize, embeddingSize));
            e.setRequiresGradient(true);
            MinedPairs pairs = miner.mine(method.expand(e, labels), labels);
            NDArray value = metricLoss.compute(pairs);
            collector.backward(value);
            return value.getFloat();
        }
    }
}
