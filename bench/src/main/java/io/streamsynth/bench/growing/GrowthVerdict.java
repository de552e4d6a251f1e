package io.streamsynth.bench.growing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The rule of issue 14, part 3: from the first to the last window, trainer images/s and refresh
 * (embedding) records/s may each fall by at most {@code maxDegradation} of the first window's figure,
 * and freshness p99 may rise by at most as much. A figure that could not be measured in either
 * window (no rate, a p99 that falls on an item never embedded) fails its check.
 */
public record GrowthVerdict(List<Check> checks, double maxDegradation) {
    /** The bound: 20%. */
    public static final double MAX_DEGRADATION = 0.20;

    /**
     * One figure, first window against last.
     *
     * @param degradation the share by which it got worse: {@code 1 - last/first} for a rate,
     *                    {@code last/first - 1} for a delay; negative when it got better; NaN when unmeasured
     */
    public record Check(String name, double first, double last, boolean higherIsBetter,
            double degradation, boolean passed) {}

    public static GrowthVerdict of(Window first, Window last, double maxDegradation) {
        return new GrowthVerdict(List.of(
                rate("trainer images/s", first.trainerImagesPerSecond(), last.trainerImagesPerSecond(),
                        maxDegradation),
                rate("refresh items/s", first.embeddingsPerSecond(), last.embeddingsPerSecond(), maxDegradation),
                delay("freshness p99", first.freshnessP99Millis(), last.freshnessP99Millis(), maxDegradation)),
                maxDegradation);
    }

    static Check rate(String name, double first, double last, double max) {
        double d = first > 0 && Double.isFinite(first) && Double.isFinite(last) ? 1 - last / first : Double.NaN;
        return new Check(name, first, last, true, d, !Double.isNaN(d) && d <= max);
    }

    static Check delay(String name, long first, long last, double max) {
        boolean measured = first >= 0 && first != Percentile.NEVER && last >= 0 && last != Percentile.NEVER;
        // a first p99 of 0 ms (below the clock's tick) is taken as 1 ms, so any rise shows
        double d = measured ? (double) last / Math.max(1, first) - 1 : Double.NaN;
        return new Check(name, first == Percentile.NEVER ? Double.NaN : first,
                last == Percentile.NEVER ? Double.NaN : last, false, d, !Double.isNaN(d) && d <= max);
    }

    public boolean passed() {
        return checks.stream().allMatch(Check::passed);
    }

    /** e.g. "verdict (first vs last window, at most 20% worse): trainer images/s 410.2 -> 398.0 (3.0% worse, pass); ...; PASS". */
    public String line() {
        String parts = checks.stream().map(c -> String.format(Locale.ROOT, "%s %s -> %s (%s, %s)", c.name(),
                number(c.first()), number(c.last()), change(c.degradation()), c.passed() ? "pass" : "FAIL"))
                .collect(Collectors.joining("; "));
        return String.format(Locale.ROOT, "verdict (first vs last window, at most %.0f%% worse): %s; %s",
                100 * maxDegradation, parts, passed() ? "PASS" : "FAIL");
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "verdict");
        m.put("max_degradation", maxDegradation);
        for (Check c : checks) {
            String key = c.name().replaceAll("[^a-z0-9]+", "_").replaceAll("_$", "");
            m.put(key + "_first", Double.isNaN(c.first()) ? null : c.first());
            m.put(key + "_last", Double.isNaN(c.last()) ? null : c.last());
            m.put(key + "_degradation", Double.isNaN(c.degradation()) ? null : c.degradation());
            m.put(key + "_passed", c.passed());
        }
        m.put("passed", passed());
        return m;
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String change(double d) {
        if (Double.isNaN(d)) {
            return "not measured";
        }
        return d >= 0 ? String.format(Locale.ROOT, "%.1f%% worse", 100 * d)
                : String.format(Locale.ROOT, "%.1f%% better", -100 * d);
    }
}
