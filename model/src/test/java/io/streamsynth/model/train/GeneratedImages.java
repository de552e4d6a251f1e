package io.streamsynth.model.train;

import java.util.Random;

/** Small grey images whose class is a bright bar at a class-specific place, under noise. */
final class GeneratedImages {
    private GeneratedImages() {}

    static float[] batch(int[] labels, int size, Random random) {
        float[] pixels = new float[labels.length * size * size];
        for (int n = 0; n < labels.length; n++) {
            int offset = n * size * size;
            int row = 2 + (labels[n] * 5) % (size - 4);
            boolean vertical = labels[n] % 2 == 1;
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    boolean bar = vertical ? Math.abs(x - row) <= 1 : Math.abs(y - row) <= 1;
                    float v = (bar ? 0.8f : 0.1f) + 0.15f * (float) random.nextGaussian();
                    pixels[offset + y * size + x] = Math.max(0f, Math.min(1f, v));
                }
            }
        }
        return pixels;
    }

    /** P classes (0..p-1) times K samples, class-major as a batch builder forms them. */
    static int[] pk(int p, int k) {
        int[] labels = new int[p * k];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i / k;
        }
        return labels;
    }
}
