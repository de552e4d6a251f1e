package io.streamsynth.bench.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.streamsynth.model.net.Architecture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StepBenchmarkTest {
    private static final Architecture TINY_NET = new Architecture(Architecture.Kind.CNN, 1, 12, 12, 8, 8);
    private static final StepBenchmark.Settings TINY = new StepBenchmark.Settings(TINY_NET, new BatchShape(2, 2),
            new InterleavedTimer.Plan(3, 2, 1), Device.cpu());

    @Test
    void timesEveryMethodInTurnAndReportsRatiosToTheBaseline() {
        List<int[]> progress = new ArrayList<>();
        List<StepBenchmark.Row> rows = StepBenchmark.run(TINY, "triplet", List.of("none", "ee", "symm"),
                progress::add);
        assertThat(rows).extracting(StepBenchmark.Row::synthesis).containsExactly("none", "ee", "symm");
        assertThat(rows).extracting(StepBenchmark.Row::batch).containsOnly("2x2");
        assertThat(rows.get(0).cpuRatio().median()).isEqualTo(1.0);
        assertThat(rows.get(0).wallRatio().median()).isEqualTo(1.0);
        assertThat(rows).allSatisfy(r -> {
            assertThat(r.wallMillis().median()).isPositive();
            assertThat(r.cpuMillis().median()).isPositive();
            assertThat(r.cpuRatio().median()).isPositive();
            assertThat(r.cpuRatio().q1()).isLessThanOrEqualTo(r.cpuRatio().q3());
        });
        assertThat(progress).extracting(p -> p[0]).containsExactly(0, 1, 2, 3);
        assertThat(rows.get(1).toMap()).containsKeys("cpu_ratio_to_none", "wall_ratio_to_none", "batch");
    }

    @Test
    void theBaselineMustComeFirst() {
        assertThatThrownBy(() -> StepBenchmark.run(TINY, "ms", List.of("ee", "none"), s -> { }))
                .hasMessageContaining("baseline");
    }

    @Test
    void growthVariantsAreTimedAgainstTheFirst() {
        List<StepGrowth.Row> rows = StepGrowth.run(StepGrowth.byEmbeddingSize(TINY_NET, List.of(4, 16),
                new BatchShape(2, 2)), "triplet", "none", new InterleavedTimer.Plan(2, 1, 0), Device.cpu(), p -> { });
        assertThat(rows).extracting(StepGrowth.Row::name).containsExactly("d=4", "d=16");
        assertThat(rows).extracting(StepGrowth.Row::embeddingSize).containsExactly(4, 16);
        assertThat(rows.get(0).cpuRatio().median()).isEqualTo(1.0);
        assertThat(rows.get(1).imagesPerCpuSecond()).isPositive();
    }
}
