package io.streamsynth.operators.train;

import java.time.Duration;

/**
 * When a catalog's next version is due: after {@code everySteps} training steps, or after
 * {@code interval} with at least one unpublished step (a slow stream still publishes what it trained).
 */
final class PublishCadence {
    private final long everySteps;
    private final long intervalMillis;
    private long stepsSincePublish;
    private long lastPublishMillis;

    PublishCadence(long everySteps, Duration interval, long now) {
        this.everySteps = everySteps;
        this.intervalMillis = interval.toMillis();
        this.lastPublishMillis = now;
    }

    void stepped() {
        stepsSincePublish++;
    }

    void published(long now) {
        stepsSincePublish = 0;
        lastPublishMillis = now;
    }

    /** True when enough steps have passed, or some steps and enough time. */
    boolean due(long now) {
        return stepsSincePublish >= everySteps || (stepsSincePublish > 0 && now - lastPublishMillis >= intervalMillis);
    }

    /** When unpublished steps become due by time alone. */
    long deadline() {
        return lastPublishMillis + intervalMillis;
    }

    boolean hasUnpublishedSteps() {
        return stepsSincePublish > 0;
    }

    long stepsSincePublish() {
        return stepsSincePublish;
    }

    long lastPublishMillis() {
        return lastPublishMillis;
    }

    /** The counters as a snapshot kept them. */
    void restore(long stepsSincePublish, long lastPublishMillis) {
        this.stepsSincePublish = stepsSincePublish;
        this.lastPublishMillis = lastPublishMillis;
    }
}
