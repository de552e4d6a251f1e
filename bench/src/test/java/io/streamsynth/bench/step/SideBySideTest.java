package io.streamsynth.bench.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SideBySideTest {
    @Test
    void ratiosArePerRoundSoASlowRoundOnBothSidesCancels() {
        // round 3 is three times slower on both sides: per round the ratio stays 0.5
        double[] ours = {10, 20, 60, 15, 10};
        double[] theirs = {20, 40, 180, 30, 20};
        SideBySide s = SideBySide.of(ours, theirs, ours, theirs);
        assertThat(s.wallRatio().median()).isCloseTo(0.5, within(1e-12));
        assertThat(s.wallRatio().q1()).isCloseTo(0.5, within(1e-12));
        assertThat(s.cpuRatio().q3()).isCloseTo(0.5, within(1e-12));
        // whereas the ratio of the medians would say 15 / 30 only by luck; here the per-side medians
        assertThat(s.oursWall().median()).isEqualTo(15);
        assertThat(s.theirsWall().median()).isEqualTo(30);
    }

    @Test
    void quartilesInterpolateBetweenSortedRatiosAsNumpyDoes() {
        // per-round ratios 1.0, 1.5, 0.5, 2.0 -> sorted 0.5, 1.0, 1.5, 2.0; numpy's percentile: 0.875, 1.25, 1.625
        double[] oursWall = {10, 15, 5, 40};
        double[] theirsWall = {10, 10, 10, 20};
        double[] oursCpu = {8, 9, 10, 11};
        double[] theirsCpu = {4, 3, 2, 1};
        SideBySide s = SideBySide.of(oursWall, theirsWall, oursCpu, theirsCpu);
        assertThat(s.wallRatio().q1()).isCloseTo(0.875, within(1e-12));
        assertThat(s.wallRatio().median()).isCloseTo(1.25, within(1e-12));
        assertThat(s.wallRatio().q3()).isCloseTo(1.625, within(1e-12));
        // cpu ratios 2, 3, 5, 11
        assertThat(s.cpuRatio().median()).isCloseTo(4.0, within(1e-12));
        assertThat(s.cpuRatio().q1()).isCloseTo(2.75, within(1e-12));
        assertThat(s.cpuRatio().q3()).isCloseTo(6.5, within(1e-12));
        assertThat(s.toMap()).containsEntry("wall_ratio", 1.25).containsEntry("cpu_ratio", 4.0)
                .containsEntry("ours_median_wall_ms_per_step", 12.5);
    }

    @Test
    void refusesRoundsThatDoNotLineUpOrTimesThatAreNotPositive() {
        assertThatThrownBy(() -> SideBySide.of(new double[] {1, 2}, new double[] {1}, new double[] {1, 2},
                new double[] {1, 2})).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same number");
        assertThatThrownBy(() -> SideBySide.of(new double[] {1}, new double[] {0}, new double[] {1},
                new double[] {1})).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("round 1");
    }
}
