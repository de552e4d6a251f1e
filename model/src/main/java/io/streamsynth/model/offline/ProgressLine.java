package io.streamsynth.model.offline;

import java.io.PrintStream;
import java.time.Duration;

/**
 * A progress line for long loops: count, rate and ETA, at most every {@code interval}. On a
 * terminal it rewrites one line; elsewhere (CI logs, pipes) it prints a fresh line each time.
 */
public final class ProgressLine {
    private final PrintStream out;
    private final String what;
    private final long total;
    private final long intervalNanos;
    private final boolean terminal = System.console() != null;
    private final long start = System.nanoTime();
    private long lastPrint;

    public ProgressLine(PrintStream out, String what, long total, Duration interval) {
        this.out = out;
        this.what = what;
        this.total = total;
        this.intervalNanos = interval.toNanos();
        this.lastPrint = start;
    }

    /** Reports {@code done} units so far, with a free-form suffix such as the current loss. */
    public void update(long done, String detail) {
        long now = System.nanoTime();
        if (now - lastPrint < intervalNanos && done < total) {
            return;
        }
        lastPrint = now;
        double seconds = (now - start) / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        long eta = rate > 0 ? Math.round((total - done) / rate) : 0;
        String line = String.format(java.util.Locale.ROOT, "%s %d/%d (%.0f%%)  %.1f/s  ETA %d:%02d  %s", what, done,
                total, 100.0 * done / Math.max(1, total), rate, eta / 60, eta % 60, detail);
        if (terminal) {
            out.print("\r" + line + "\u001b[K");
            if (done >= total) {
                out.println();
            }
        } else {
            out.println(line);
        }
        out.flush();
    }
}
