package io.streamsynth.model.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.streamsynth.model.net.Architecture;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepBenchmarkTest {
    private static final StepBenchmark.Settings TINY = new StepBenchmark.Settings(
            new Architecture(Architecture.Kind.CNN, 1, 12, 12, 8, 8), 2, 2, 3, 2, 1, Device.cpu());

    @Test
    void timesEveryMethodInTurnAndReportsRatiosToTheBaseline() {
        List<String> progress = new ArrayList<>();
        List<StepBenchmark.Row> rows = StepBenchmark.run(TINY, "triplet", List.of("none", "ee", "symm"),
                progress::add);
        assertThat(rows).extracting(StepBenchmark.Row::synthesis).containsExactly("none", "ee", "symm");
        assertThat(rows.get(0).ratioToNone()).isEqualTo(1.0);
        assertThat(rows).allSatisfy(r -> {
            assertThat(r.medianMillis()).isPositive();
            assertThat(r.ratioToNone()).isPositive();
        });
        assertThat(progress).hasSize(3);
    }

    @Test
    void theBaselineMustComeFirst() {
        assertThatThrownBy(() -> StepBenchmark.run(TINY, "ms", List.of("ee", "none"), s -> { }))
                .hasMessageContaining("baseline");
    }

    @Test
    void medianOfEvenAndOddCounts() {
        assertThat(StepBenchmark.median(new double[] {3, 1, 2})).isEqualTo(2.0);
        assertThat(StepBenchmark.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
    }
}
