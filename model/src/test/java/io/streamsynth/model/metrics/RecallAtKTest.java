package io.streamsynth.model.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RecallAtKTest {

    @Test
    void recallCountsQueryAsHitOnlyWhenNeighbourSharesLabel() {
        // First same-label rank per query (see Circle.fourPoints): 1, 1, 2, none.
        double[] recall = RecallAtK.compute(Circle.fourPoints(), Circle.fourPointLabels(), 1, 2, 3);

        assertThat(recall).containsExactly(0.5, 0.75, 0.75);
    }

    @Test
    void resultsFollowTheOrderOfTheRequestedKs() {
        double[] recall = RecallAtK.compute(Circle.fourPoints(), Circle.fourPointLabels(), 2, 1);

        assertThat(recall).containsExactly(0.75, 0.5);
    }

    @Test
    void queryWithoutAnySameLabelItemCountsAsMiss() {
        int[][] neighbours = {{1, 2}, {0, 2}, {1, 0}};
        int[] labels = {0, 0, 1};

        assertThat(RecallAtK.fromNeighbours(neighbours, labels, 1, 2)).containsExactly(2.0 / 3, 2.0 / 3);
    }

    @Test
    void kLargerThanTheNeighbourListsReadsWholeRows() {
        double[] recall = RecallAtK.compute(Circle.fourPoints(), Circle.fourPointLabels(), 8);

        assertThat(recall).containsExactly(0.75);
    }

    @Test
    void invalidKsAndMismatchedLabelsAreRejected() {
        assertThatThrownBy(() -> RecallAtK.compute(Circle.fourPoints(), Circle.fourPointLabels(), 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RecallAtK.compute(Circle.fourPoints(), Circle.fourPointLabels()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RecallAtK.compute(Circle.fourPoints(), new int[] {1, 2}, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("4 embeddings, 2 labels");
    }
}
