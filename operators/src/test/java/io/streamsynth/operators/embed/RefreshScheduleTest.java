package io.streamsynth.operators.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.runtime.tasks.TestProcessingTimeService;
import org.junit.jupiter.api.Test;

class RefreshScheduleTest {
    private final TestProcessingTimeService time = new TestProcessingTimeService();
    private final List<String> ran = new ArrayList<>();
    private int slicesLeft;
    private final RefreshSchedule schedule = new RefreshSchedule(time, 50, () -> ran.add("flush@" + now()),
            () -> {
                ran.add("slice@" + now());
                slicesLeft--;
            }, () -> slicesLeft > 0);

    private long now() {
        return time.getCurrentProcessingTime();
    }

    @Test
    void oneFlushIsPendingAtATimeAndRunsAfterTheMaxDelay() throws Exception {
        time.setCurrentTime(1000);
        schedule.flushLater();
        time.setCurrentTime(1020);
        schedule.flushLater();
        time.setCurrentTime(1049);
        assertEquals(List.of(), ran);
        time.setCurrentTime(1050);
        assertEquals(List.of("flush@1050"), ran);
        schedule.flushLater();
        time.setCurrentTime(1100);
        assertEquals(List.of("flush@1050", "flush@1100"), ran);
    }

    @Test
    void slicesFollowOneAnotherAMillisecondApartWhileAPassRemains() throws Exception {
        time.setCurrentTime(0);
        slicesLeft = 3;
        schedule.sliceSoon();
        schedule.sliceSoon();
        assertEquals(List.of(), ran, "never inside the action that scheduled it");
        for (long t = 1; t <= 10; t++) {
            time.setCurrentTime(t);
        }
        assertEquals(List.of("slice@1", "slice@2", "slice@3"), ran);
        assertEquals(0, time.getNumActiveTimers());
    }

    /** A schedule whose slices each take {@code millis} of processing time. */
    private RefreshSchedule slicesTaking(long millis) {
        return new RefreshSchedule(time, 50, () -> ran.add("flush@" + now()), () -> {
            ran.add("slice@" + now());
            slicesLeft--;
            time.setCurrentTime(now() + millis);
        }, () -> slicesLeft > 0);
    }

    /** A pass of {@code slices} slices of 10 ms each, scheduled at 0, its first slice run (1 to 11 ms). */
    private RefreshSchedule passAfterFirstSlice(int slices) throws Exception {
        RefreshSchedule paced = slicesTaking(10);
        time.setCurrentTime(0);
        slicesLeft = slices;
        paced.sliceSoon();
        time.setCurrentTime(1);
        return paced;
    }

    @Test
    void aSliceDueWhileRecordsQueueWaitsForThemUpToThreeTimesItsDuration() throws Exception {
        RefreshSchedule paced = passAfterFirstSlice(3); // the first slice: 1 to 11, the next due at 12
        assertEquals(List.of("slice@1"), ran);
        // records are read every millisecond from 11 on: the input is busy (to 40)
        for (long t = 11; t < 40; t++) {
            paced.inputSeen();
            time.setCurrentTime(t + 1);
        }
        assertEquals(List.of("slice@1"), ran, "a busy input goes first for three slice durations (30 ms)");
        paced.inputSeen();
        time.setCurrentTime(41);
        assertEquals(List.of("slice@1", "slice@41"), ran, "then the slice runs, busy input or not");
        assertEquals(29, paced.yieldedMillis(), "due at 12, ran at 41");
        // no record since the slice ended at 51: the next runs when due
        time.setCurrentTime(52);
        assertEquals(List.of("slice@1", "slice@41", "slice@52"), ran);
        assertEquals(29, paced.yieldedMillis());
        assertEquals(0, time.getNumActiveTimers());
    }

    @Test
    void anInputThatPausesForAMillisecondLetsTheSliceRun() throws Exception {
        RefreshSchedule paced = passAfterFirstSlice(2);
        paced.inputSeen(); // at 11, when the slice ended
        time.setCurrentTime(12);
        assertEquals(List.of("slice@1"), ran, "a record a millisecond ago: the input may be queued");
        time.setCurrentTime(13);
        assertEquals(List.of("slice@1", "slice@13"), ran, "two milliseconds without a record: it runs");
    }
}
