package io.streamsynth.bench.growing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PercentileTest {
    @Test
    void nearestRankOfOneToAHundred() {
        long[] v = new long[100];
        for (int i = 0; i < 100; i++) {
            v[99 - i] = i + 1;
        }
        assertThat(Percentile.nearestRank(v, 0.99)).isEqualTo(99);
        assertThat(Percentile.nearestRank(v, 0.5)).isEqualTo(50);
        assertThat(Percentile.nearestRank(v, 1)).isEqualTo(100);
        assertThat(v[0]).as("input left as it was").isEqualTo(100);
    }

    @Test
    void missingValuesRankAboveEveryDelay() {
        long[] v = {5, Percentile.NEVER, 1, 3};
        assertThat(Percentile.nearestRank(v, 0.75)).isEqualTo(5);
        assertThat(Percentile.nearestRank(v, 0.99)).isEqualTo(Percentile.NEVER);
        assertThat(Percentile.nearestRank(new long[0], 0.5)).isEqualTo(-1);
        assertThatThrownBy(() -> Percentile.nearestRank(v, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
