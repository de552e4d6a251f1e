package io.streamsynth.bench.step;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Two contenders' per-step times over the same interleaved rounds, and their ratio: ours / theirs.
 *
 * <p>Each round contributes one ratio, ours in that round over theirs in that round, so a slow spell
 * of the machine that covers a round scales both sides and cancels; the figure quoted is the median of
 * the per-round ratios with their interquartile range ({@link Quartiles}), not the ratio of the
 * medians.
 *
 * @param oursWall   our wall-clock milliseconds per step, quartiles over rounds
 * @param theirsWall theirs likewise
 * @param wallRatio  per-round ours / theirs of wall-clock time
 * @param oursCpu    our CPU milliseconds per step
 * @param theirsCpu  theirs likewise
 * @param cpuRatio   per-round ours / theirs of CPU time
 */
public record SideBySide(Quartiles oursWall, Quartiles theirsWall, Quartiles wallRatio, Quartiles oursCpu,
        Quartiles theirsCpu, Quartiles cpuRatio) {

    /**
     * @param oursWall   per-round milliseconds per step, one entry per round (likewise the others)
     * @throws IllegalArgumentException when the arrays are empty or of different lengths, or a time is
     *                                  not positive (a ratio to it would mean nothing)
     */
    public static SideBySide of(double[] oursWall, double[] theirsWall, double[] oursCpu, double[] theirsCpu) {
        int n = oursWall.length;
        if (n == 0 || theirsWall.length != n || oursCpu.length != n || theirsCpu.length != n) {
            throw new IllegalArgumentException("need the same number (at least 1) of rounds on both sides, got "
                    + oursWall.length + ", " + theirsWall.length + ", " + oursCpu.length + ", " + theirsCpu.length);
        }
        return new SideBySide(Quartiles.of(oursWall), Quartiles.of(theirsWall), Quartiles.of(ratios(oursWall,
                theirsWall)), Quartiles.of(oursCpu), Quartiles.of(theirsCpu), Quartiles.of(ratios(oursCpu, theirsCpu)));
    }

    private static double[] ratios(double[] ours, double[] theirs) {
        double[] out = new double[ours.length];
        for (int r = 0; r < ours.length; r++) {
            if (!(ours[r] > 0 && theirs[r] > 0)) {
                throw new IllegalArgumentException("round " + (r + 1) + " has a time that is not positive: "
                        + ours[r] + " / " + theirs[r]);
            }
            out[r] = ours[r] / theirs[r];
        }
        return out;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ours_median_wall_ms_per_step", StepBenchmark.round(oursWall.median()));
        m.put("pytorch_median_wall_ms_per_step", StepBenchmark.round(theirsWall.median()));
        m.put("wall_ratio", StepBenchmark.round(wallRatio.median()));
        m.put("wall_ratio_q1", StepBenchmark.round(wallRatio.q1()));
        m.put("wall_ratio_q3", StepBenchmark.round(wallRatio.q3()));
        m.put("ours_median_cpu_ms_per_step", StepBenchmark.round(oursCpu.median()));
        m.put("pytorch_median_cpu_ms_per_step", StepBenchmark.round(theirsCpu.median()));
        m.put("cpu_ratio", StepBenchmark.round(cpuRatio.median()));
        m.put("cpu_ratio_q1", StepBenchmark.round(cpuRatio.q1()));
        m.put("cpu_ratio_q3", StepBenchmark.round(cpuRatio.q3()));
        return m;
    }
}
