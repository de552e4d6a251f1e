package io.streamsynth.model.synthesis;

import static io.streamsynth.model.Vectors.norm;
import static io.streamsynth.model.Vectors.toGroups;
import static io.streamsynth.model.Vectors.unit;
import static io.streamsynth.model.Vectors.dot;
import static io.streamsynth.model.Vectors.cross;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import io.streamsynth.model.runtime.TorchRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SymmetricalSynthesisTest {
    private final NDManager manager = TorchRuntime.engine().newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void reflectionsStayOnSphereInPlaneOfPairAtSameAngleToAxis() {
        float[][] e = {unit(1, 2, 0.5), unit(-0.3, 1, 2), unit(2, -1, 1), unit(0.2, 0.1, -1)};
        int[] labels = {1, 1, 2, 2};
        int[] partner = {1, 0, 3, 2};
        float[][][] g = toGroups(new SymmetricalSynthesis().expand(manager.create(e), labels), 4, 3, 3);
        for (int i = 0; i < 4; i++) {
            float[] x = e[i];
            float[] axis = e[partner[i]];
            float[] mirror = g[i][1];
            assertThat(g[i][0]).containsExactly(x);
            assertThat(norm(mirror)).isCloseTo(1.0, within(1e-5));
            // in the plane spanned by x and its axis: orthogonal to their cross product
            assertThat(dot(mirror, cross(x, axis))).isCloseTo(0.0, within(1e-5));
            // same angle to the axis as the point it mirrors
            assertThat(dot(mirror, axis)).isCloseTo(dot(x, axis), within(1e-5));
            // on the other side of the axis: the mirror is x reflected, so x + mirror is parallel to the axis
            float[] sum = {x[0] + mirror[0], x[1] + mirror[1], x[2] + mirror[2]};
            assertThat(norm(cross(sum, axis))).isCloseTo(0.0, within(1e-5));
            // the third slot is the partner mirrored about this sample
            assertThat(dot(g[i][2], x)).isCloseTo(dot(axis, x), within(1e-5));
            assertThat(norm(g[i][2])).isCloseTo(1.0, within(1e-5));
        }
    }

    @Test
    void handMadePairInThePlaneMirrorsToKnownPoints() {
        double r3 = Math.sqrt(3) / 2;
        float[][] e = {unit(1, 0), unit(0.5, r3), unit(-1, 0), unit(-0.5, -r3)};
        float[][][] g = toGroups(new SymmetricalSynthesis().expand(manager.create(e), new int[] {0, 0, 1, 1}),
                4, 3, 2);
        // x at 0 degrees mirrored about the axis at 60 degrees lands at 120 degrees, and the axis
        // mirrored about x lands at -60 degrees
        assertThat(g[0][1][0]).isCloseTo(-0.5f, within(1e-6f));
        assertThat(g[0][1][1]).isCloseTo((float) r3, within(1e-6f));
        assertThat(g[0][2][0]).isCloseTo(0.5f, within(1e-6f));
        assertThat(g[0][2][1]).isCloseTo((float) -r3, within(1e-6f));
    }
}
