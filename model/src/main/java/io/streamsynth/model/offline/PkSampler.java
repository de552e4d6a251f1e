package io.streamsynth.model.offline;

import io.streamsynth.model.data.ImageSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Draws P x K batches from a labelled set: P distinct classes, K distinct images each, class-major.
 * Deterministic for a seed.
 */
public final class PkSampler {
    private final ImageSet images;
    private final int[][] byClass;
    private final int[] classLabels;
    private final int p;
    private final int k;
    private final Random random;

    public PkSampler(ImageSet images, int p, int k, long seed) {
        Map<Integer, List<Integer>> groups = new TreeMap<>();
        for (int i = 0; i < images.size(); i++) {
            groups.computeIfAbsent(images.labels()[i], c -> new ArrayList<>()).add(i);
        }
        if (groups.size() < p) {
            throw new IllegalArgumentException("batches need " + p + " classes but the training set has "
                    + groups.size());
        }
        this.byClass = groups.values().stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray())
                .toArray(int[][]::new);
        this.classLabels = groups.keySet().stream().mapToInt(Integer::intValue).toArray();
        for (int c = 0; c < byClass.length; c++) {
            if (byClass[c].length < k) {
                throw new IllegalArgumentException("class " + classLabels[c] + " has " + byClass[c].length
                        + " images, fewer than the " + k + " samples per class a batch needs");
            }
        }
        this.images = images;
        this.p = p;
        this.k = k;
        this.random = new Random(seed);
    }

    /** A batch: pixels row-major (P*K, C, H, W) and labels. */
    public record Batch(float[] pixels, int[] labels) {}

    public Batch next() {
        int[] classes = pick(byClass.length, p);
        Arrays.sort(classes);
        int per = images.channels() * images.height() * images.width();
        float[] pixels = new float[p * k * per];
        int[] labels = new int[p * k];
        int n = 0;
        for (int c : classes) {
            for (int idx : pick(byClass[c].length, k)) {
                System.arraycopy(images.pixels(), byClass[c][idx] * per, pixels, n * per, per);
                labels[n++] = classLabels[c];
            }
        }
        return new Batch(pixels, labels);
    }

    /** count distinct indices of 0..n-1 by a partial Fisher-Yates shuffle. */
    private int[] pick(int n, int count) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        for (int i = 0; i < count; i++) {
            int j = i + random.nextInt(n - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        return Arrays.copyOf(all, count);
    }
}
