package io.streamsynth.pipeline.produce;

/**
 * Holds a sender to a steady rate: event n is due n/rate seconds after the start, so short stalls
 * are caught up rather than lowering the average.
 */
public final class EventPacer {
    private final double eventsPerSecond;
    /** Set by the first event rather than at construction, so start-up work is not counted as sending time. */
    private long start;
    private long sent;

    /** @param eventsPerSecond the rate; 0 for no limit */
    public EventPacer(double eventsPerSecond) {
        if (!(eventsPerSecond >= 0) || Double.isInfinite(eventsPerSecond)) {
            throw new IllegalArgumentException("--rate must be a number of events per second, 0 or more, got "
                    + eventsPerSecond);
        }
        this.eventsPerSecond = eventsPerSecond;
    }

    /** Waits until the next event is due. */
    public void awaitNext() throws InterruptedException {
        long n = sent++;
        if (eventsPerSecond == 0) {
            return;
        }
        if (n == 0) {
            start = System.nanoTime();
        }
        long due = start + (long) (n / eventsPerSecond * 1e9);
        long wait = due - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }
}
