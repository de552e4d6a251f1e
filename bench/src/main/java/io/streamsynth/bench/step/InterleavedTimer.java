package io.streamsynth.bench.step;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Times several contenders against the first one (the baseline) on a noisy machine.
 *
 * <p>Contenders take turns round by round, and the order rotates from one round to the next, so a
 * slow spell (another build, a frequency change) and any advantage of running right after a given
 * contender fall on all of them alike. Each round gives one ratio per contender to the baseline's
 * time in that same round; the figure reported is the median of those ratios, with their
 * interquartile range as the honest spread. Absolute times are medians of the per-round means.
 *
 * <p>Each round is timed twice: by the wall clock and by the CPU time of the timing thread. On a
 * machine shared with other work the wall clock mostly measures how long the step waited for a core,
 * while CPU time counts only the work done, so the CPU ratios are the ones to quote there; on an idle
 * machine the two agree. CPU time covers the whole step only when PyTorch runs one intra-op thread
 * (it then computes on the calling thread); with more threads, compare wall-clock ratios.
 */
public final class InterleavedTimer {
    /** Something to time: one call of {@code step} is one unit of work (one training step). */
    public record Contender(String name, Runnable step) {}

    /**
     * @param rounds        rounds; each times {@code stepsPerRound} calls of every contender
     * @param stepsPerRound calls per contender per round
     * @param warmupSteps   untimed calls per contender before the first round (JIT, allocator, caches)
     */
    public record Plan(int rounds, int stepsPerRound, int warmupSteps) {
        public Plan {
            if (rounds < 1 || stepsPerRound < 1 || warmupSteps < 0) {
                throw new IllegalArgumentException("rounds and steps per round must be at least 1 and warm-up at least 0,"
                        + " got " + rounds + ", " + stepsPerRound + ", " + warmupSteps);
            }
        }

        /** Every call this plan makes of one contender. */
        public int callsPerContender() {
            return warmupSteps + rounds * stepsPerRound;
        }
    }

    /**
     * One contender's figures per step; ratios are to the baseline (the first contender) in the same
     * rounds.
     */
    public record Timing(String name, Quartiles wallMillis, Quartiles cpuMillis, Quartiles wallRatio,
            Quartiles cpuRatio) {}

    private InterleavedTimer() {}

    /**
     * @param progress called after the warm-up and after each round with (rounds done, rounds)
     */
    public static List<Timing> run(List<Contender> contenders, Plan plan, Consumer<int[]> progress) {
        if (contenders.isEmpty()) {
            throw new IllegalArgumentException("nothing to time");
        }
        int n = contenders.size();
        for (int i = 0; i < plan.warmupSteps(); i++) {
            for (Contender c : contenders) {
                c.step().run();
            }
        }
        progress.accept(new int[] {0, plan.rounds()});
        double[][] wall = new double[n][plan.rounds()];
        double[][] cpu = new double[n][plan.rounds()];
        for (int r = 0; r < plan.rounds(); r++) {
            for (int turn = 0; turn < n; turn++) {
                int c = (turn + r) % n;
                Runnable step = contenders.get(c).step();
                long cpuStart = ThreadCpu.nanos();
                long start = System.nanoTime();
                for (int i = 0; i < plan.stepsPerRound(); i++) {
                    step.run();
                }
                wall[c][r] = (System.nanoTime() - start) / 1e6 / plan.stepsPerRound();
                cpu[c][r] = (ThreadCpu.nanos() - cpuStart) / 1e6 / plan.stepsPerRound();
            }
            progress.accept(new int[] {r + 1, plan.rounds()});
        }
        List<Timing> timings = new ArrayList<>(n);
        for (int c = 0; c < n; c++) {
            timings.add(new Timing(contenders.get(c).name(), Quartiles.of(wall[c]), Quartiles.of(cpu[c]),
                    Quartiles.of(ratios(wall[c], wall[0])), Quartiles.of(ratios(cpu[c], cpu[0]))));
        }
        return timings;
    }

    private static double[] ratios(double[] values, double[] baseline) {
        double[] out = new double[values.length];
        for (int r = 0; r < values.length; r++) {
            out[r] = values[r] / baseline[r];
        }
        return out;
    }
}
