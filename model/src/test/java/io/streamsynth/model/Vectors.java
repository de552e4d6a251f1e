package io.streamsynth.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;

/** Small vector helpers for tests. */
public final class Vectors {
    private Vectors() {}

    /** The given direction scaled to unit length. */
    public static float[] unit(double... v) {
        double n = 0;
        for (double x : v) {
            n += x * x;
        }
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / Math.sqrt(n));
        }
        return out;
    }

    public static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    public static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    public static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    public static float[] cross(float[] a, float[] b) {
        return new float[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }

    /** A (b, g, d) tensor of groups as nested arrays, after checking its shape. */
    public static float[][][] toGroups(NDArray groups, int b, int g, int d) {
        assertThat(groups.getShape().getShape()).containsExactly(b, g, d);
        float[] flat = groups.toFloatArray();
        float[][][] out = new float[b][g][d];
        for (int i = 0; i < b; i++) {
            for (int k = 0; k < g; k++) {
                System.arraycopy(flat, (i * g + k) * d, out[i][k], 0, d);
            }
        }
        return out;
    }
}
