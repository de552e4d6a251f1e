package io.streamsynth.bench.growing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class GrowthWindowsTest {
    /**
     * Ten events sent 100 ms apart from t = 1000; two windows: events 0-4 over [1000, 1500), events 5-9
     * over [1500, 1900]. Items 0-4 embedded 50 ms after their send, 5-8 200 ms after, 9 never.
     */
    private static RunTimeline handMade() {
        long[] sent = new long[10];
        long[] first = new long[10];
        long[] visible = new long[10];
        for (int i = 0; i < 10; i++) {
            sent[i] = 1000 + 100L * i;
            first[i] = i < 5 ? sent[i] + 50 : i < 9 ? sent[i] + 200 : -1;
            visible[i] = first[i] < 0 ? -1 : first[i] + 500;
        }
        // every first record, plus re-embeddings at 1100 and 1200 (window 1), 1600 (window 2), 2500 (after)
        long[] written = {1050, 1150, 1250, 1350, 1450, 1700, 1800, 1900, 2000, 1100, 1200, 1600, 2500};
        List<RunTimeline.TrainerPoint> trainer = List.of(new RunTimeline.TrainerPoint(2000, 100),
                new RunTimeline.TrainerPoint(1000, 0));
        List<RunTimeline.VersionSpan> versions = List.of(
                new RunTimeline.VersionSpan(0, 0, 1000, true, 1300, -1),
                new RunTimeline.VersionSpan(1, 40, 1400, true, -1, 1600),
                new RunTimeline.VersionSpan(2, 60, 1600, true, 2400, -1),
                new RunTimeline.VersionSpan(3, 80, 1800, false, -1, -1));
        return new RunTimeline(sent, first, visible, written, trainer, versions, 4);
    }

    @Test
    void cutsEventsIntoWindowsBySendAndMeasuresEachOverItsSpan() {
        List<Window> w = GrowthWindows.split(handMade(), 2);
        assertThat(w).hasSize(2);
        Window a = w.get(0);
        Window b = w.get(1);
        assertThat(a.fromEvent()).isZero();
        assertThat(a.toEvent()).isEqualTo(5);
        assertThat(b.fromEvent()).isEqualTo(5);
        assertThat(b.toEvent()).isEqualTo(10);
        assertThat(a.seconds()).isEqualTo(0.5);
        assertThat(b.seconds()).isEqualTo(0.4);
        // steps 0 at 1000 and 100 at 2000: 50 steps in [1000, 1500], 40 in [1500, 1900], 4 images each
        assertThat(a.trainerImagesPerSecond()).isCloseTo(400, within(1e-9));
        assertThat(b.trainerImagesPerSecond()).isCloseTo(400, within(1e-9));
        // window 1: 5 first records and 2 re-embeddings in 0.5 s; window 2: 3 firsts (2000 is after its
        // closed end at 1900) and 1 re-embedding in 0.4 s
        assertThat(a.embeddingsPerSecond()).isCloseTo(14, within(1e-9));
        assertThat(a.newItemsPerSecond()).isCloseTo(10, within(1e-9));
        assertThat(a.reembeddedPerSecond()).isCloseTo(4, within(1e-9));
        assertThat(b.embeddingsPerSecond()).isCloseTo(10, within(1e-9));
        assertThat(b.newItemsPerSecond()).isCloseTo(7.5, within(1e-9));
        assertThat(b.reembeddedPerSecond()).isCloseTo(2.5, within(1e-9));
    }

    @Test
    void freshnessCountsAnItemNeverEmbeddedAsInfinitelyLate() {
        List<Window> w = GrowthWindows.split(handMade(), 2);
        assertThat(w.get(0).freshnessP50Millis()).isEqualTo(50);
        assertThat(w.get(0).freshnessP99Millis()).isEqualTo(50);
        assertThat(w.get(0).visibleP99Millis()).isEqualTo(550);
        assertThat(w.get(0).unembedded()).isZero();
        // 200, 200, 200, 200, never: the median is 200, the 99th percentile the missing item
        assertThat(w.get(1).freshnessP50Millis()).isEqualTo(200);
        assertThat(w.get(1).freshnessP99Millis()).isEqualTo(Percentile.NEVER);
        assertThat(w.get(1).unembedded()).isEqualTo(1);
        assertThat(w.get(1).toMap(1000)).containsEntry("freshness_p99_ms", null).containsEntry("start_s", 0.5);
    }

    @Test
    void versionsCountInTheWindowTheyWerePublishedIn() {
        List<Window> w = GrowthWindows.split(handMade(), 2);
        Window a = w.get(0);
        assertThat(a.versionsPublished()).isEqualTo(2);
        assertThat(a.versionsPromoted()).isEqualTo(2);
        assertThat(a.versionsComplete()).isEqualTo(1);
        assertThat(a.versionsSuperseded()).isEqualTo(1);
        assertThat(a.versionCompleteMaxMillis()).isEqualTo(300);
        assertThat(a.versionsSoFar()).isEqualTo(2);
        Window b = w.get(1);
        assertThat(b.versionsPublished()).isEqualTo(2);
        assertThat(b.versionsPromoted()).isEqualTo(1);
        assertThat(b.versionsComplete()).isEqualTo(1);
        assertThat(b.versionsSuperseded()).isZero();
        assertThat(b.versionCompleteMaxMillis()).isEqualTo(800);
        assertThat(b.versionsSoFar()).isEqualTo(4);
        assertThat(a.itemsEmbedded()).isEqualTo(5);
        assertThat(b.itemsEmbedded()).isEqualTo(8);
    }

    @Test
    void stepsAreLinearBetweenCheckpointsAndFlatOutsideThem() {
        List<RunTimeline.TrainerPoint> p = List.of(new RunTimeline.TrainerPoint(100, 10),
                new RunTimeline.TrainerPoint(200, 30), new RunTimeline.TrainerPoint(400, 30));
        assertThat(GrowthWindows.stepAt(p, 0)).isEqualTo(10);
        assertThat(GrowthWindows.stepAt(p, 150)).isEqualTo(20);
        assertThat(GrowthWindows.stepAt(p, 300)).isEqualTo(30);
        assertThat(GrowthWindows.stepAt(p, 9999)).isEqualTo(30);
        assertThat(GrowthWindows.stepAt(List.of(), 5)).isZero();
    }

    @Test
    void unevenEventCountsStillCoverEveryEventOnce() {
        RunTimeline t = handMade();
        List<Window> w = GrowthWindows.split(t, 3);
        assertThat(w).extracting(Window::fromEvent).containsExactly(0, 3, 6);
        assertThat(w).extracting(Window::toEvent).containsExactly(3, 6, 10);
    }

    @Test
    void refusesFewerThanTwoWindowsOrMoreWindowsThanEvents() {
        assertThatThrownBy(() -> GrowthWindows.split(handMade(), 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 to 10 windows");
        assertThatThrownBy(() -> GrowthWindows.split(handMade(), 11)).isInstanceOf(IllegalArgumentException.class);
    }
}
