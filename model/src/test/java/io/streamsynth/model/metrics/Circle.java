package io.streamsynth.model.metrics;

/** 2-D test embeddings placed by angle, so cosine similarity is the cosine of the angle between them. */
final class Circle {

    private Circle() {
    }

    static float[] at(double degrees) {
        return at(degrees, 1.0);
    }

    /** A point at the given angle and distance from the origin; length must not matter to cosine. */
    static float[] at(double degrees, double length) {
        double radians = Math.toRadians(degrees);
        return new float[] {(float) (length * Math.cos(radians)), (float) (length * Math.sin(radians))};
    }

    /**
     * Four points at 0, 30, 100 and 80 degrees; the first three share label 7, the last has label
     * 3 alone. The 100-degree point is five times longer to show that length is ignored.
     * By angle, the neighbour lists are
     * <pre>
     *   query 0 (0 deg,  A): 1 (30),  3 (80), 2 (100)
     *   query 1 (30 deg, A): 0 (30),  3 (50), 2 (70)
     *   query 2 (100 deg,A): 3 (20),  1 (70), 0 (100)
     *   query 3 (80 deg, B): 2 (20),  1 (50), 0 (80)
     * </pre>
     */
    static float[][] fourPoints() {
        return new float[][] {at(0), at(30), at(100, 5), at(80)};
    }

    static int[] fourPointLabels() {
        return new int[] {7, 7, 7, 3};
    }
}
