package io.streamsynth.model.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;

import org.junit.jupiter.api.Test;

class RetrievalReportTest {

    @Test
    void evaluateCombinesRecallMapAtRAndNmiOnTheFourPoints() {
        RetrievalReport report = RetrievalReport.evaluate(Circle.fourPoints(), Circle.fourPointLabels(), 3L);

        assertThat(report.queries()).isEqualTo(4);
        assertThat(report.recallAt1()).isEqualTo(0.5);
        assertThat(report.recallAt2()).isEqualTo(0.75);
        assertThat(report.recallAt4()).isEqualTo(0.75);
        assertThat(report.recallAt8()).isEqualTo(0.75);
        assertThat(report.mapAtR()).isCloseTo(1.25 / 3, within(1e-12));
        // Two clusters split {0, 30} from {80, 100} degrees from any start, against labels
        // {7, 7, 7 | 3}: the table [[2, 1], [0, 1]], the transpose of NMI test's partial case.
        double ln2 = Math.log(2);
        double ln3 = Math.log(3);
        assertThat(report.nmi()).isCloseTo((1.5 * ln2 - 0.75 * ln3) / (1.5 * ln2 - 0.375 * ln3), within(1e-9));
    }

    @Test
    void wellSeparatedClassesScorePerfectlyEverywhere() {
        float[][] embeddings = {
            Circle.at(0), Circle.at(90), Circle.at(5), Circle.at(180),
            Circle.at(95), Circle.at(-5), Circle.at(185), Circle.at(88), Circle.at(178),
        };
        int[] labels = {0, 1, 0, 2, 1, 0, 2, 1, 2};

        RetrievalReport report = RetrievalReport.evaluate(embeddings, labels, 1L);

        assertThat(report).isEqualTo(new RetrievalReport(9, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0));
    }

    @Test
    void toMapUsesSnakeCaseKeysInReportOrder() {
        RetrievalReport report = new RetrievalReport(10, 0.1, 0.2, 0.4, 0.8, 0.5, 0.3);

        assertThat(report.toMap()).containsExactly(
                entry("r_at_1", 0.1), entry("r_at_2", 0.2), entry("r_at_4", 0.4),
                entry("r_at_8", 0.8), entry("nmi", 0.5), entry("map_at_r", 0.3));
    }

    private static Map.Entry<String, Double> entry(String key, double value) {
        return Map.entry(key, value);
    }
}
