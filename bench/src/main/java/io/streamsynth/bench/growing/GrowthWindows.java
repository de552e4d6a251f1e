package io.streamsynth.bench.growing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts a growing run into windows by events sent (window k of W holds events
 * {@code floor(k N / W)} to {@code floor((k+1) N / W)}) and measures each over its span of time:
 * see {@link Window} for what each figure is. Spans are half-open, [first send of the window,
 * first send of the next), the last one closed at the last send; so every record and every
 * checkpoint time of the run between the first and the last send counts in exactly one window.
 */
public final class GrowthWindows {
    private GrowthWindows() {}

    /**
     * @throws IllegalArgumentException when {@code windows} is below 2 or above the number of events
     */
    public static List<Window> split(RunTimeline run, int windows) {
        int n = run.events();
        if (windows < 2 || windows > n) {
            throw new IllegalArgumentException("need 2 to " + n + " windows (one event each at least), got " + windows);
        }
        long[] written = run.writtenMillis().clone();
        Arrays.sort(written);
        List<Window> out = new ArrayList<>();
        for (int k = 0; k < windows; k++) {
            int from = (int) ((long) k * n / windows);
            int to = (int) ((long) (k + 1) * n / windows);
            long start = run.sentMillis()[from];
            boolean last = k == windows - 1;
            long end = last ? run.sentMillis()[n - 1] : run.sentMillis()[to];
            out.add(window(run, written, k + 1, from, to, start, end, last));
        }
        return out;
    }

    private static Window window(RunTimeline run, long[] written, int index, int from, int to, long start, long end,
            boolean closed) {
        // a span shorter than the clock's tick still has a length, so no rate divides by zero
        double seconds = Math.max(1, end - start) / 1000.0;
        long endExclusive = closed ? end + 1 : end;
        double steps = stepAt(run.trainer(), end) - stepAt(run.trainer(), start);
        long records = countIn(written, start, endExclusive);
        long firsts = 0;
        int embeddedByEnd = 0;
        for (long t : run.firstWrittenMillis()) {
            if (t >= start && t < endExclusive) {
                firsts++;
            }
            if (t >= 0 && t < endExclusive) {
                embeddedByEnd++;
            }
        }
        long[] fresh = new long[to - from];
        long[] visible = new long[to - from];
        int unembedded = 0;
        for (int i = from; i < to; i++) {
            long w = run.firstWrittenMillis()[i];
            long v = run.firstVisibleMillis()[i];
            long sent = run.sentMillis()[i];
            if (w < 0) {
                unembedded++;
            }
            fresh[i - from] = w < 0 ? Percentile.NEVER : Math.max(0, w - sent);
            visible[i - from] = v < 0 ? Percentile.NEVER : Math.max(0, v - sent);
        }
        int published = 0;
        int promoted = 0;
        int complete = 0;
        int superseded = 0;
        int soFar = 0;
        long worst = -1;
        for (RunTimeline.VersionSpan v : run.versions()) {
            if (v.publishedMillis() < endExclusive) {
                soFar++;
            }
            if (v.publishedMillis() < start || v.publishedMillis() >= endExclusive) {
                continue;
            }
            published++;
            promoted += v.promoted() ? 1 : 0;
            if (v.completeMillis() >= 0) {
                complete++;
                worst = Math.max(worst, v.completeLatencyMillis());
            } else if (v.supersededMillis() >= 0) {
                superseded++;
            }
        }
        return new Window(index, from, to, start, end, steps * run.batchSize() / seconds, records / seconds,
                firsts / seconds, (records - firsts) / seconds, Percentile.nearestRank(fresh, 0.5),
                Percentile.nearestRank(fresh, 0.99), Percentile.nearestRank(visible, 0.99), unembedded, published,
                promoted, complete, superseded, worst, embeddedByEnd, soFar);
    }

    /**
     * The training step at time {@code t}, linear between the two checkpoints around it: the trainer's
     * steps are only known where it published. Before the first checkpoint it is the first one's step,
     * after the last the last one's, so no rate is made up outside what was published.
     */
    static double stepAt(List<RunTimeline.TrainerPoint> points, long t) {
        if (points.isEmpty()) {
            return 0;
        }
        RunTimeline.TrainerPoint first = points.get(0);
        if (t <= first.timeMillis()) {
            return first.step();
        }
        for (int i = 1; i < points.size(); i++) {
            RunTimeline.TrainerPoint b = points.get(i);
            if (t <= b.timeMillis()) {
                RunTimeline.TrainerPoint a = points.get(i - 1);
                if (b.timeMillis() == a.timeMillis()) {
                    return b.step();
                }
                double f = (double) (t - a.timeMillis()) / (b.timeMillis() - a.timeMillis());
                return a.step() + f * (b.step() - a.step());
            }
        }
        return points.get(points.size() - 1).step();
    }

    /** Values of the sorted array within [from, to). */
    static long countIn(long[] sorted, long from, long to) {
        return lowerBound(sorted, to) - lowerBound(sorted, from);
    }

    private static int lowerBound(long[] sorted, long key) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
