package io.streamsynth.operators.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StreamIdlenessTest {

    @Test
    void aFastStreamIsIdleTheMinimumWhileAfterItsLastStep() {
        StreamIdleness idle = new StreamIdleness(Duration.ofSeconds(2));
        assertThat(idle.idleAt()).as("no step yet").isEqualTo(-1);
        assertThat(idle.idle(1_000_000)).isFalse();
        for (long t = 1_000; t <= 2_000; t += 50) {
            idle.stepped(t);
        }
        // longest gap 50 ms: 2 x 50 = 100 ms is below the 2 s minimum
        assertThat(idle.idleAt()).isEqualTo(4_000);
        assertThat(idle.idle(3_999)).isFalse();
        assertThat(idle.idle(4_000)).isTrue();
    }

    @Test
    void aStreamThatPausesIsIdleOnlyAfterTwiceItsLongestRecentPause() {
        StreamIdleness idle = new StreamIdleness(Duration.ofSeconds(2));
        idle.stepped(0);
        assertThat(idle.idleAt()).as("one step: nothing known of the gaps").isEqualTo(2_000);
        idle.stepped(3_000);
        idle.stepped(3_100);
        assertThat(idle.idleAt()).isEqualTo(3_100 + 2 * 3_000);
        assertThat(idle.idle(9_099)).isFalse();
        assertThat(idle.idle(9_100)).isTrue();
    }

    @Test
    void aLongPauseCountsAsEightSecondsAndLeavesTheWindowAfterThirtyTwoSteps() {
        StreamIdleness idle = new StreamIdleness(Duration.ofSeconds(2));
        idle.stepped(0);
        idle.stepped(600_000); // counts as 8 s
        assertThat(idle.idleAt()).isEqualTo(600_000 + 16_000);
        long t = 600_000;
        for (int i = 0; i < StreamIdleness.WINDOW - 1; i++) {
            t += 50;
            idle.stepped(t);
        }
        assertThat(idle.idleAt()).as("the pause is still one of the last 32 gaps").isEqualTo(t + 16_000);
        t += 50;
        idle.stepped(t);
        assertThat(idle.idleAt()).isEqualTo(t + 2_000);
    }

    @Test
    void theMinimumMustBePositive() {
        assertThatThrownBy(() -> new StreamIdleness(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("publish-when-idle");
    }
}
