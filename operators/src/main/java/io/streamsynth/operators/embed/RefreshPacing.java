package io.streamsynth.operators.embed;

import java.util.HashMap;
import java.util.Map;

/**
 * Bounds the share of an embedder subtask's time that re-embedding passes take (issue 14, part 1):
 * after a catalog's pass that took {@code D}, its next pass starts no sooner than {@code factor x D}
 * after it ended, so passes run at most {@code 1 / (factor + 1)} of the time however often versions
 * are promoted, and on a loaded machine, where a pass takes longer, the pauses grow with it. A version
 * promoted meanwhile waits ({@link ItemEmbedder} keeps only the newest), so the refresh skips to the
 * newest version instead of falling behind. {@code factor} 0 turns pacing off: a newer version then
 * takes the running pass over at once.
 *
 * <p>Times are processing-time milliseconds. Not checkpointed: after a restore the first pass of
 * each catalog starts without a pause.
 */
final class RefreshPacing {
    private final double factor;
    private final Map<String, Long> startedAt = new HashMap<>();
    private final Map<String, Long> nextStartAt = new HashMap<>();

    /** @param factor pause after a pass in units of its duration, 0..1000; 0 = no pacing */
    RefreshPacing(double factor) {
        if (!(factor >= 0 && factor <= 1000)) {
            throw new IllegalArgumentException("refresh-pause-factor must be within 0..1000, got " + factor);
        }
        this.factor = factor;
    }

    boolean enabled() {
        return factor > 0;
    }

    /** A pass of the catalog started at {@code now}. */
    void started(String catalog, long now) {
        startedAt.put(catalog, now);
    }

    /**
     * The catalog's pass is through at {@code now}: its next pass may start {@code factor} times its
     * duration later. Nothing when no start was recorded (a pass restored from a checkpoint).
     */
    void ended(String catalog, long now) {
        Long start = startedAt.remove(catalog);
        if (start != null) {
            nextStartAt.put(catalog, now + Math.round(factor * Math.max(0, now - start)));
        }
    }

    /** Whether a pass of the catalog is recorded as running. */
    boolean running(String catalog) {
        return startedAt.containsKey(catalog);
    }

    /** The earliest time the catalog's next pass may start; {@link Long#MIN_VALUE} when at once. */
    long nextStartAt(String catalog) {
        return nextStartAt.getOrDefault(catalog, Long.MIN_VALUE);
    }
}
