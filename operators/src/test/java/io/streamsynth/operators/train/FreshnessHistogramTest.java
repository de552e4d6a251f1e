package io.streamsynth.operators.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class FreshnessHistogramTest {

    @Test
    void emptyHistogramHasNoPercentiles() {
        FreshnessHistogram h = new FreshnessHistogram();
        assertThat(h.count()).isZero();
        assertThat(h.percentileMillis(0.5)).isEqualTo(-1);
    }

    @Test
    void percentilesAreNeverBelowTheTrueValueAndAtMostFourPercentAbove() {
        FreshnessHistogram h = new FreshnessHistogram();
        for (long v = 1; v <= 1000; v++) {
            h.record(v);
        }
        assertThat(h.count()).isEqualTo(1000);
        assertThat(h.percentileMillis(0.5)).isBetween(500L, 520L);
        assertThat(h.percentileMillis(0.99)).isBetween(990L, 1000L);
        assertThat(h.percentileMillis(1.0)).isEqualTo(1000);
        assertThat(h.maxMillis()).isEqualTo(1000);
    }

    @Test
    void everyValueLandsInTheBucketWhoseBoundsHoldIt() {
        for (long v = 0; v < 200_000; v += 1 + v / 50) {
            int b = FreshnessHistogram.bucketOf(v);
            assertThat(FreshnessHistogram.upperBound(b)).as("upper bound of %d", v).isGreaterThanOrEqualTo(v);
            if (b > 0) {
                assertThat(FreshnessHistogram.upperBound(b - 1)).as("lower bound of %d", v).isLessThan(v);
            }
        }
    }

    @Test
    void negativeDelaysFromClockSkewCountAsZero() {
        FreshnessHistogram h = new FreshnessHistogram();
        h.record(-5);
        assertThat(h.percentileMillis(1.0)).isZero();
    }

    @Test
    void mergingSummariesEqualsRecordingEverything() {
        FreshnessHistogram a = new FreshnessHistogram();
        FreshnessHistogram b = new FreshnessHistogram();
        FreshnessHistogram all = new FreshnessHistogram();
        for (long v = 0; v < 3000; v += 7) {
            (v % 2 == 0 ? a : b).record(v);
            all.record(v);
        }
        a.merge(b);
        assertThat(a.toMap()).isEqualTo(all.toMap());
    }

    @Test
    void summarySurvivesAJsonRoundTrip() throws Exception {
        FreshnessHistogram h = new FreshnessHistogram();
        h.record(3);
        h.record(40);
        h.record(40);
        h.record(12_345);
        ObjectMapper json = new ObjectMapper();
        Map<?, ?> back = json.readValue(json.writeValueAsBytes(h.toMap()), Map.class);
        FreshnessHistogram read = FreshnessHistogram.fromMap(back);
        assertThat(read.toMap()).isEqualTo(h.toMap());
        assertThat(back.get("p50_millis")).isEqualTo((int) h.percentileMillis(0.5));
    }

    @Test
    void rejectsWhatIsNotASummary() {
        assertThatThrownBy(() -> FreshnessHistogram.fromMap(Map.of("count", 3)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FreshnessHistogram().percentileMillis(0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
