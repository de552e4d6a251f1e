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
        // typical gap 50 ms: 4 x 50 = 200 ms is below the 2 s minimum
        assertThat(idle.idleAt()).isEqualTo(4_000);
        assertThat(idle.idle(3_999)).isFalse();
        assertThat(idle.idle(4_000)).isTrue();
    }

    @Test
    void aTrickleIsIdleOnlyAfterFourOfItsGaps() {
        StreamIdleness idle = new StreamIdleness(Duration.ofSeconds(2));
        idle.stepped(0);
        assertThat(idle.idleAt()).as("one step: nothing known of the gaps").isEqualTo(2_000);
        idle.stepped(3_000);
        idle.stepped(6_000);
        assertThat(idle.idleAt()).isEqualTo(6_000 + 4 * 3_000);
        assertThat(idle.idle(17_999)).isFalse();
        assertThat(idle.idle(18_000)).isTrue();
    }

    @Test
    void aLongPauseCountsAsFourMinimumWhilesAndIsForgottenWithinAFewSteps() {
        StreamIdleness idle = new StreamIdleness(Duration.ofSeconds(2));
        idle.stepped(0);
        idle.stepped(50); // typical 50
        idle.stepped(50 + 600_000); // the gap counts as 8 s: 0.8 x 50 + 0.2 x 8000 = 1640
        assertThat(idle.idleAt()).isEqualTo(600_050 + 4 * 1_640);
        long t = 600_050;
        for (int i = 0; i < 10; i++) {
            t += 50;
            idle.stepped(t); // 50 + 1590 x 0.8^10 = 220.8: 4 x 220.8 < 2 s
        }
        assertThat(idle.idleAt()).isEqualTo(t + 2_000);
    }

    @Test
    void theMinimumMustBePositive() {
        assertThatThrownBy(() -> new StreamIdleness(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("publish-when-idle");
    }
}
