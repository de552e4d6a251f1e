package io.streamsynth.bench.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InterleavedTimerTest {

    @Test
    void contendersTakeTurnsInARotatingOrderAfterTheWarmUp() {
        List<String> calls = new ArrayList<>();
        List<InterleavedTimer.Contender> contenders = List.of(
                new InterleavedTimer.Contender("a", () -> calls.add("a")),
                new InterleavedTimer.Contender("b", () -> calls.add("b")),
                new InterleavedTimer.Contender("c", () -> calls.add("c")));
        InterleavedTimer.run(contenders, new InterleavedTimer.Plan(3, 1, 1), p -> { });
        // warm-up a b c, then round 1 starts with a, round 2 with b, round 3 with c
        assertThat(String.join("", calls)).isEqualTo("abc" + "abc" + "bca" + "cab");
    }

    @Test
    void aContenderDoingTwiceTheWorkOfTheBaselineShowsARatioNearTwo() {
        List<InterleavedTimer.Contender> contenders = List.of(
                new InterleavedTimer.Contender("once", () -> spin(2_000_000)),
                new InterleavedTimer.Contender("twice", () -> spin(4_000_000)));
        List<InterleavedTimer.Timing> timings = InterleavedTimer.run(contenders, new InterleavedTimer.Plan(7, 3, 2),
                p -> { });
        assertThat(timings.get(0).cpuRatio().median()).isEqualTo(1.0);
        // CPU time does not count waiting for a core, so the ratio holds even on a busy machine
        assertThat(timings.get(1).cpuRatio().median()).isBetween(1.5, 2.6);
        assertThat(timings.get(1).cpuMillis().median()).isGreaterThan(timings.get(0).cpuMillis().median());
    }

    @Test
    void aPlanNeedsRoundsAndSteps() {
        assertThatThrownBy(() -> new InterleavedTimer.Plan(0, 1, 0)).hasMessageContaining("rounds");
        assertThatThrownBy(() -> InterleavedTimer.run(List.of(), new InterleavedTimer.Plan(1, 1, 0), p -> { }))
                .hasMessageContaining("nothing to time");
    }

    @Test
    void quartilesInterpolateBetweenOrderStatistics() {
        assertThat(Quartiles.of(new double[] {3, 1, 2}).median()).isEqualTo(2.0);
        assertThat(Quartiles.of(new double[] {4, 1, 3, 2}).median()).isEqualTo(2.5);
        Quartiles q = Quartiles.of(new double[] {1, 2, 3, 4, 5});
        assertThat(q.q1()).isEqualTo(2.0);
        assertThat(q.q3()).isEqualTo(4.0);
    }

    @Test
    void batchShapesParseAndRejectOddK() {
        assertThat(BatchShape.parse("16x8")).isEqualTo(new BatchShape(16, 8));
        assertThat(BatchShape.parse("16x8").size()).isEqualTo(128);
        assertThatThrownBy(() -> BatchShape.parse("8x3")).hasMessageContaining("even K");
        assertThatThrownBy(() -> BatchShape.parse("8by8")).hasMessageContaining("PxK");
    }

    private static volatile double sink;

    private static void spin(int iterations) {
        double x = 0;
        for (int i = 0; i < iterations; i++) {
            x += Math.sqrt(i);
        }
        sink = x;
    }
}
