package io.streamsynth.pipeline.cli;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.LongSupplier;

/**
 * Where a quickstart run's wall time went, on a monotonic clock ({@link System#nanoTime}): the run
 * marks each {@link Mark} as it passes it, and {@link #line} splits the wall time into consecutive
 * phases that add up to it, plus the ingest span, which overlaps them.
 *
 * <p>Phases: start-up (start to the first event sent: data, broker, topics, MiniCluster, job
 * submission), first model (to the first trained version on the checkpoints topic), training (to
 * the final served version's arrival), refresh (to the end of the wait for its embeddings), report
 * (the summary and the untrained model's figures), shutdown (job, broker and files). A phase whose
 * end was never reached (a timeout, Ctrl-C) shows as {@code -}, and the next phase starts from the
 * last mark reached.
 */
final class QuickstartTimeBudget {
    /** The points a run passes, in order. */
    enum Mark {
        STARTED, FIRST_EVENT, LAST_EVENT, FIRST_MODEL, FINAL_MODEL, WAITED, REPORTED, ENDED
    }

    private static final Mark[] PHASE_ENDS = {Mark.FIRST_EVENT, Mark.FIRST_MODEL, Mark.FINAL_MODEL, Mark.WAITED,
        Mark.REPORTED, Mark.ENDED};
    private static final String[] PHASE_NAMES = {"start-up", "first model", "training", "refresh", "report",
        "shutdown"};

    private final LongSupplier nanoClock;
    private final Map<Mark, Long> marks = new EnumMap<>(Mark.class);
    /** Ends of the start-up's parts, in the order passed: what start-up spent its time on. */
    private final List<Map.Entry<String, Long>> startupParts = new ArrayList<>();

    /** A budget on {@link System#nanoTime}, started now. */
    QuickstartTimeBudget() {
        this(System::nanoTime);
    }

    /** A budget on {@code nanoClock} (monotonic nanoseconds), started now. */
    QuickstartTimeBudget(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        mark(Mark.STARTED);
    }

    /** Marks {@code mark} now unless it was marked before: the first pass counts. */
    synchronized void mark(Mark mark) {
        marks.putIfAbsent(mark, nanoClock.getAsLong());
    }

    /**
     * Marks the end of a part of the start-up (e.g. "broker"), which began where the previous part
     * ended; the line lists the parts beside the start-up's total, so a slow start-up says where it
     * was slow. Parts marked after the first event are ignored.
     */
    synchronized void startupPart(String name) {
        if (!marks.containsKey(Mark.FIRST_EVENT)) {
            startupParts.add(Map.entry(name, nanoClock.getAsLong()));
        }
    }

    /** Marks {@code mark} now, replacing an earlier mark: the latest pass counts (a newer final model). */
    synchronized void markAgain(Mark mark) {
        marks.put(mark, nanoClock.getAsLong());
    }

    /**
     * One line, seconds with one decimal, e.g. {@code time budget: start-up 9.1 s (pytorch 1.0, broker
     * 3.1, flink 4.0, rest 1.0), first model 6.0 s,
     * training 50.2 s, refresh 4.3 s, report 2.2 s, shutdown 1.9 s = wall 73.7 s; ingest 20.1 s
     * (alongside first model and training)}. The wall runs to {@link Mark#ENDED}, or to now when it
     * is not marked yet.
     */
    synchronized String line() {
        long start = marks.get(Mark.STARTED);
        long end = marks.getOrDefault(Mark.ENDED, nanoClock.getAsLong());
        StringJoiner phases = new StringJoiner(", ", "time budget: ", "");
        long from = start;
        for (int i = 0; i < PHASE_ENDS.length; i++) {
            Long to = PHASE_ENDS[i] == Mark.ENDED ? Long.valueOf(end) : marks.get(PHASE_ENDS[i]);
            if (to == null || to < from) {
                phases.add(PHASE_NAMES[i] + " -");
                continue;
            }
            phases.add(PHASE_NAMES[i] + " " + seconds(to - from) + (i == 0 ? startupParts(from, to) : ""));
            from = to;
        }
        Long first = marks.get(Mark.FIRST_EVENT);
        Long last = marks.get(Mark.LAST_EVENT);
        String ingest = first == null || last == null ? "-" : seconds(last - first);
        return phases + " = wall " + seconds(end - start) + "; ingest " + ingest
                + " (alongside first model and training)";
    }

    /** " (a 1.0, b 2.5, rest 0.3)" for the parts marked between {@code from} and {@code to}; "" without parts. */
    private String startupParts(long from, long to) {
        if (startupParts.isEmpty()) {
            return "";
        }
        StringJoiner parts = new StringJoiner(", ", " (", ")");
        long at = from;
        for (Map.Entry<String, Long> part : startupParts) {
            parts.add(part.getKey() + " " + number(part.getValue() - at));
            at = part.getValue();
        }
        parts.add("rest " + number(to - at));
        return parts.toString();
    }

    private static String number(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e9);
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }
}
