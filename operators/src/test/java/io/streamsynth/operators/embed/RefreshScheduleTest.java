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
}
