package io.streamsynth.operators.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RefreshPacingTest {

    @Test
    void theNextPassWaitsTheFactorTimesTheLastPassesDuration() {
        RefreshPacing pacing = new RefreshPacing(2);
        assertThat(pacing.enabled()).isTrue();
        assertThat(pacing.nextStartAt("shoes")).isEqualTo(Long.MIN_VALUE);
        pacing.started("shoes", 1_000);
        assertThat(pacing.running("shoes")).isTrue();
        pacing.ended("shoes", 4_000); // 3 s: 6 s pause, passes a third of the time
        assertThat(pacing.running("shoes")).isFalse();
        assertThat(pacing.nextStartAt("shoes")).isEqualTo(10_000);
        assertThat(pacing.nextStartAt("bags")).as("catalogs are paced apart").isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void aPassEndedWithoutARecordedStartLeavesNoPause() {
        RefreshPacing pacing = new RefreshPacing(1);
        pacing.ended("shoes", 5_000); // a pass restored from a checkpoint
        assertThat(pacing.nextStartAt("shoes")).isEqualTo(Long.MIN_VALUE);
        pacing.started("shoes", 5_000);
        pacing.ended("shoes", 5_500);
        pacing.ended("shoes", 9_000); // told twice: the first end counts
        assertThat(pacing.nextStartAt("shoes")).isEqualTo(6_000);
    }

    @Test
    void factorZeroIsOffAndTheFactorIsBounded() {
        assertThat(new RefreshPacing(0).enabled()).isFalse();
        assertThatThrownBy(() -> new RefreshPacing(-1)).hasMessageContaining("refresh-pause-factor");
        assertThatThrownBy(() -> new RefreshPacing(Double.NaN)).hasMessageContaining("refresh-pause-factor");
    }
}
