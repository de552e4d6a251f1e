package io.streamsynth.model.synthesis;

import static io.streamsynth.model.Vectors.norm;
import static io.streamsynth.model.Vectors.toGroups;
import static io.streamsynth.model.Vectors.unit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.streamsynth.model.runtime.TorchRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EmbeddingExpansionTest {
    private final NDManager manager = TorchRuntime.engine().newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void syntheticPointsAreInternalDivisionsProjectedOntoTheSphere() {
        float[][] e = {unit(1, 0, 0), unit(0, 1, 0), unit(0, 0, 1), unit(1, 1, 1)};
        int[] labels = {7, 7, 3, 3};
        int n = 3;
        float[][][] groups = toGroups(new EmbeddingExpansion(n).expand(manager.create(e), labels), 4, n + 1, 3);
        int[] partner = {1, 0, 3, 2};
        for (int i = 0; i < 4; i++) {
            assertThat(groups[i][0]).containsExactly(e[i]);
            for (int k = 1; k <= n; k++) {
                // the point before normalisation, from the paper's internal division formula
                double[] division = new double[3];
                for (int d = 0; d < 3; d++) {
                    division[d] = (k * e[partner[i]][d] + (n + 1 - k) * e[i][d]) / (n + 1);
                }
                float[] s = groups[i][k];
                assertThat(norm(s)).isCloseTo(1.0, within(1e-5));
                // normalisation only rescales: s is the division point times a positive factor
                double scale = norm(division);
                for (int d = 0; d < 3; d++) {
                    assertThat((double) s[d]).isCloseTo(division[d] / scale, within(1e-5));
                }
                // and the division point lies on the segment: it splits it at k/(n+1) from i
                for (int d = 0; d < 3; d++) {
                    double t = (double) k / (n + 1);
                    assertThat(division[d]).isCloseTo(e[i][d] + t * (e[partner[i]][d] - e[i][d]), within(1e-6));
                }
            }
        }
    }

    @Test
    void partnersShareTheSameSyntheticPointsInReverseOrder() {
        float[][] e = {unit(1, 2, 0), unit(0, 1, 3), unit(2, 0, 1), unit(1, 1, 0)};
        float[][][] groups = toGroups(new EmbeddingExpansion(2).expand(manager.create(e), new int[] {0, 1, 0, 1}),
                4, 3, 3);
        for (int d = 0; d < 3; d++) {
            assertThat(groups[0][1][d]).isCloseTo(groups[2][2][d], within(1e-6f));
            assertThat(groups[0][2][d]).isCloseTo(groups[2][1][d], within(1e-6f));
        }
    }

    @Test
    void oddClassCountIsRejectedWithItsLabel() {
        NDArray e = manager.create(new float[][] {unit(1, 0), unit(0, 1), unit(1, 1)});
        assertThatThrownBy(() -> new EmbeddingExpansion(2).expand(e, new int[] {4, 4, 9}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[9]");
    }
}
