package io.streamsynth.bench.step;

import ai.djl.Device;
import io.streamsynth.model.net.Architecture;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * How the training step's time grows with the batch or the network: several variants of one step
 * timed in the same rounds, each as a ratio to the first (the smallest).
 */
public final class StepGrowth {
    /** One variant: a network and a P x K batch. */
    public record Variant(String name, Architecture architecture, BatchShape batch) {}

    /** A variant's figures per step; ratios are of CPU time, to the first variant in the same rounds. */
    public record Row(String name, int batchSize, int embeddingSize, Quartiles wallMillis, Quartiles cpuMillis,
            Quartiles cpuRatio) {
        /** Images per second of CPU time: what one core sustains when the step has it to itself. */
        public double imagesPerCpuSecond() {
            return batchSize * 1000.0 / cpuMillis.median();
        }

        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("variant", name);
            m.put("batch_size", batchSize);
            m.put("embedding_size", embeddingSize);
            m.put("median_wall_ms_per_step", StepBenchmark.round(wallMillis.median()));
            m.put("median_cpu_ms_per_step", StepBenchmark.round(cpuMillis.median()));
            m.put("cpu_ratio_to_first", StepBenchmark.round(cpuRatio.median()));
            m.put("images_per_cpu_s", Math.round(imagesPerCpuSecond()));
            return m;
        }
    }

    private StepGrowth() {}

    /** Batch-size variants of one network, named P x K. */
    public static List<Variant> byBatch(Architecture architecture, List<BatchShape> batches) {
        List<Variant> variants = new ArrayList<>();
        for (BatchShape b : batches) {
            variants.add(new Variant(b.toString(), architecture, b));
        }
        return variants;
    }

    /** Embedding-size variants of one network at one batch, named d=N. */
    public static List<Variant> byEmbeddingSize(Architecture base, List<Integer> sizes, BatchShape batch) {
        List<Variant> variants = new ArrayList<>();
        for (int d : sizes) {
            Architecture a = new Architecture(base.kind(), base.channels(), base.height(), base.width(), d,
                    base.baseFilters(), base.pooling(), base.cnnMaxPools());
            variants.add(new Variant("d=" + d, a, batch));
        }
        return variants;
    }

    public static List<Row> run(List<Variant> variants, String loss, String synthesis, InterleavedTimer.Plan plan,
            Device device, Consumer<int[]> progress) {
        List<StepCase> cases = new ArrayList<>();
        try {
            List<InterleavedTimer.Contender> contenders = new ArrayList<>();
            for (Variant v : variants) {
                StepCase c = new StepCase(v.architecture(), v.batch(), loss, synthesis, device);
                cases.add(c);
                contenders.add(new InterleavedTimer.Contender(v.name(), c::run));
            }
            List<InterleavedTimer.Timing> timings = InterleavedTimer.run(contenders, plan, progress);
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < variants.size(); i++) {
                Variant v = variants.get(i);
                InterleavedTimer.Timing t = timings.get(i);
                rows.add(new Row(v.name(), v.batch().size(), v.architecture().embeddingSize(), t.wallMillis(),
                        t.cpuMillis(), t.cpuRatio()));
            }
            return rows;
        } finally {
            cases.forEach(StepCase::close);
        }
    }
}
