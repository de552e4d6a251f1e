package io.streamsynth.bench.step;

import ai.djl.Device;
import io.streamsynth.model.net.Architecture;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Times the training step of one loss with each synthesis method at one P x K batch, as ratios to
 * no synthesis measured in the same rounds (see {@link InterleavedTimer}).
 */
public final class StepBenchmark {
    public record Settings(Architecture architecture, BatchShape batch, InterleavedTimer.Plan plan, Device device) {}

    /**
     * One method's figures per step, each as quartiles over rounds: wall-clock and process CPU
     * milliseconds, and the ratios of each to none's in the same rounds.
     */
    public record Row(String loss, String synthesis, String batch, Quartiles wallMillis, Quartiles cpuMillis,
            Quartiles wallRatio, Quartiles cpuRatio) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("loss", loss);
            m.put("synthesis", synthesis);
            m.put("batch", batch);
            m.put("median_wall_ms_per_step", round(wallMillis.median()));
            m.put("median_cpu_ms_per_step", round(cpuMillis.median()));
            m.put("cpu_ratio_to_none", round(cpuRatio.median()));
            m.put("cpu_ratio_q1", round(cpuRatio.q1()));
            m.put("cpu_ratio_q3", round(cpuRatio.q3()));
            m.put("wall_ratio_to_none", round(wallRatio.median()));
            return m;
        }
    }

    private StepBenchmark() {}

    /**
     * @param syntheses methods to time, none first: it is the baseline
     * @param progress  called with (rounds done, rounds) as in {@link InterleavedTimer#run}
     */
    public static List<Row> run(Settings s, String loss, List<String> syntheses, Consumer<int[]> progress) {
        if (syntheses.isEmpty() || !syntheses.get(0).equals("none")) {
            throw new IllegalArgumentException("the first synthesis must be none: it is the baseline");
        }
        List<StepCase> cases = new ArrayList<>();
        try {
            List<InterleavedTimer.Contender> contenders = new ArrayList<>();
            for (String synthesis : syntheses) {
                StepCase c = new StepCase(s.architecture(), s.batch(), loss, synthesis, s.device());
                cases.add(c);
                contenders.add(new InterleavedTimer.Contender(synthesis, c::run));
            }
            List<Row> rows = new ArrayList<>();
            for (InterleavedTimer.Timing t : InterleavedTimer.run(contenders, s.plan(), progress)) {
                rows.add(new Row(loss, t.name(), s.batch().toString(), t.wallMillis(), t.cpuMillis(), t.wallRatio(),
                        t.cpuRatio()));
            }
            return rows;
        } finally {
            cases.forEach(StepCase::close);
        }
    }

    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
