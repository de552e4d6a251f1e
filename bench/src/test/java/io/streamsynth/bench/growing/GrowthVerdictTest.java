package io.streamsynth.bench.growing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class GrowthVerdictTest {
    private static Window window(double trainer, double refresh, long freshnessP99) {
        return new Window(1, 0, 10, 0, 1000, trainer, refresh, 0, refresh, freshnessP99 / 2, freshnessP99,
                freshnessP99, 0, 0, 0, 0, 0, -1, 10, 0);
    }

    @Test
    void passesWhenEachFigureIsAtMostTwentyPercentWorse() {
        GrowthVerdict v = GrowthVerdict.of(window(400, 1000, 1000), window(330, 800, 1200), 0.2);
        assertThat(v.checks()).extracting(GrowthVerdict.Check::passed).containsExactly(true, true, true);
        assertThat(v.checks().get(0).degradation()).isCloseTo(0.175, within(1e-12));
        assertThat(v.checks().get(2).degradation()).isCloseTo(0.2, within(1e-12));
        assertThat(v.passed()).isTrue();
        assertThat(v.line()).endsWith("; PASS").contains("trainer images/s 400.0 -> 330.0 (17.5% worse, pass)");
    }

    @Test
    void failsARateThatFellOrADelayThatRoseByMoreThanTwentyPercent() {
        GrowthVerdict v = GrowthVerdict.of(window(400, 1000, 1000), window(310, 1100, 1201), 0.2);
        assertThat(v.checks()).extracting(GrowthVerdict.Check::passed).containsExactly(false, true, false);
        assertThat(v.passed()).isFalse();
        assertThat(v.line()).contains("refresh items/s 1000.0 -> 1100.0 (10.0% better, pass)")
                .contains("freshness p99 1000.0 -> 1201.0 (20.1% worse, FAIL)").endsWith("; FAIL");
        assertThat(v.toMap()).containsEntry("trainer_images_s_passed", false).containsEntry("passed", false);
    }

    @Test
    void aFigureThatCouldNotBeMeasuredFails() {
        GrowthVerdict v = GrowthVerdict.of(window(0, 1000, 1000), window(300, 1000, Percentile.NEVER), 0.2);
        assertThat(v.checks().get(0).passed()).isFalse();
        assertThat(v.checks().get(2).passed()).isFalse();
        assertThat(v.line()).contains("trainer images/s 0.0 -> 300.0 (not measured, FAIL)")
                .contains("freshness p99 1000.0 -> n/a (not measured, FAIL)");
    }
}
