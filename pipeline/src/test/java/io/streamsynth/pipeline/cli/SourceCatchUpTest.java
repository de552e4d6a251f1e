package io.streamsynth.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class SourceCatchUpTest {
    /** Answers committed offsets from a script: a null entry fails the ask as a slow broker does. */
    private static final class Scripted implements SourceCatchUp.Offsets {
        final Deque<Long> committed = new ArrayDeque<>();
        int asks;

        @Override
        public long committed() throws Exception {
            asks++;
            Long next = committed.poll();
            if (next == null || next < 0) {
                throw new TimeoutException("no answer within 10 s");
            }
            return next;
        }

        @Override
        public long inTopic() {
            return 100;
        }
    }

    @Test
    void aFailedAskIsNotCaughtUpAndIsAskedAgainAtTheNextTurn() {
        Scripted offsets = new Scripted();
        offsets.committed.add(-1L); // the broker does not answer
        offsets.committed.add(60L);
        offsets.committed.add(100L);
        SourceCatchUp source = new SourceCatchUp(offsets, 2_000);

        assertThat(source.caughtUp(0)).as("a failed ask").isFalse();
        assertThat(source.failures()).isEqualTo(1);
        assertThat(source.caughtUp(1_999)).as("not asked again within 2 s").isFalse();
        assertThat(offsets.asks).isEqualTo(1);
        assertThat(source.caughtUp(2_000)).as("60 of 100 committed").isFalse();
        assertThat(source.caughtUp(4_000)).isTrue();
        assertThat(offsets.asks).isEqualTo(3);
    }

    @Test
    void onceCaughtUpItIsNotAskedAgain() {
        Scripted offsets = new Scripted();
        offsets.committed.add(100L);
        SourceCatchUp source = new SourceCatchUp(offsets, 2_000);

        assertThat(source.caughtUp(0)).isTrue();
        assertThat(source.caughtUp(10_000)).isTrue();
        assertThat(offsets.asks).isEqualTo(1);
        assertThat(source.failures()).isZero();
    }

    @Test
    void aBrokerThatNeverAnswersNeverCountsAsCaughtUp() {
        Scripted offsets = new Scripted();
        SourceCatchUp source = new SourceCatchUp(offsets, 2_000);
        for (long t = 0; t <= 60_000; t += 500) {
            assertThat(source.caughtUp(t)).isFalse();
        }
        assertThat(source.failures()).isEqualTo(31);
    }
}
