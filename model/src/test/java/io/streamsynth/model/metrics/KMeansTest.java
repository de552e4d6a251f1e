package io.streamsynth.model.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KMeansTest {

    /** Three groups of directions 120 degrees apart, interleaved so order gives nothing away. */
    private static final float[][] THREE_GROUPS = {
        Circle.at(0), Circle.at(120), Circle.at(240),
        Circle.at(3, 2), Circle.at(117), Circle.at(243, 0.5),
        Circle.at(-2), Circle.at(122, 3), Circle.at(238),
        Circle.at(1), Circle.at(119), Circle.at(241),
    };

    @Test
    void recoversThreeWellSeparatedClusters() {
        int[] clusters = KMeans.cluster(THREE_GROUPS, 3, 11L);

        for (int i = 0; i < THREE_GROUPS.length; i++) {
            assertThat(clusters[i]).as("row %d", i).isEqualTo(clusters[i % 3]);
        }
        assertThat(new int[] {clusters[0], clusters[1], clusters[2]}).doesNotHaveDuplicates();
        assertThat(clusters).containsOnly(0, 1, 2);
    }

    @Test
    void sameSeedGivesTheSameAssignment() {
        for (long seed = 0; seed < 5; seed++) {
            assertThat(KMeans.cluster(THREE_GROUPS, 2, seed)).isEqualTo(KMeans.cluster(THREE_GROUPS, 2, seed));
        }
    }

    @Test
    void oneClusterTakesEveryRow() {
        assertThat(KMeans.cluster(THREE_GROUPS, 1, 5L)).containsOnly(0);
    }

    @Test
    void fewerDistinctRowsThanClustersStillAssignsEveryRowToTheLowestNearestCentre() {
        float[][] copies = {{0.6f, 0.8f}, {0.6f, 0.8f}, {0.6f, 0.8f}};

        assertThat(KMeans.cluster(copies, 2, 0L)).containsExactly(0, 0, 0);
    }

    @Test
    void clusterCountOutsideOneToNIsRejected() {
        assertThatThrownBy(() -> KMeans.cluster(THREE_GROUPS, 13, 0L)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KMeans.cluster(THREE_GROUPS, 0, 0L)).isInstanceOf(IllegalArgumentException.class);
    }
}
