package io.streamsynth.model.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class MapAtRTest {

    @Test
    void averagesPrecisionOverTheFirstRNeighboursAndSkipsQueriesWithoutPartners() {
        // Label 7 has R = 2. Query 0 reads (1, 3): hit at 1 -> 1/2. Query 1 reads (0, 3): 1/2.
        // Query 2 reads (3, 1): hit at 2 with precision 1/2 -> 1/4. Query 3 has R = 0.
        double map = MapAtR.compute(Circle.fourPoints(), Circle.fourPointLabels());

        assertThat(map).isCloseTo((0.5 + 0.5 + 0.25) / 3, within(1e-12));
    }

    @Test
    void onlyTheFirstRNeighboursCount() {
        int[][] neighbours = {{3, 1, 2}, {0, 2, 3}, {0, 3, 1}, {0, 1, 2}};
        int[] labels = {0, 0, 0, 1};

        // R = 2 for queries 0-2: (0,1) -> 1/2 * 1/2, (1,1) -> 1/2 * (1 + 1), (1,0) -> 1/2 * 1;
        // the third neighbour would be a hit for query 2 but lies beyond R.
        assertThat(MapAtR.fromNeighbours(neighbours, labels))
                .isCloseTo((0.25 + 1.0 + 0.5) / 3, within(1e-12));
    }

    @Test
    void rankingEveryPartnerFirstScoresOne() {
        float[][] embeddings = {Circle.at(0), Circle.at(5), Circle.at(90), Circle.at(10), Circle.at(95)};
        int[] labels = {1, 1, 2, 1, 2};

        assertThat(MapAtR.compute(embeddings, labels)).isEqualTo(1.0);
    }

    @Test
    void noQueryWithAPartnerScoresZero() {
        assertThat(MapAtR.compute(Circle.fourPoints(), new int[] {1, 2, 3, 4})).isEqualTo(0.0);
    }

    @Test
    void requiredDepthIsTheLargestClassLessOne() {
        assertThat(MapAtR.requiredDepth(new int[] {4, 9, 4, 9, 4, 5})).isEqualTo(2);
    }

    @Test
    void rowShorterThanRIsRejected() {
        assertThatThrownBy(() -> MapAtR.fromNeighbours(new int[][] {{1}, {0}, {0}}, new int[] {0, 0, 0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("query 0 has R = 2 but only 1 neighbours");
    }
}
