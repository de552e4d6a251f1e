package io.streamsynth.pipeline.cli;

import io.streamsynth.model.data.FashionMnist;
import io.streamsynth.pipeline.produce.FashionMnistItems;
import io.streamsynth.pipeline.produce.ImageItems;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The quickstart's zero-shot split of Fashion-MNIST (DESIGN.md, "Data"): training events from the
 * train file's images of the training classes, query items from the test file's images of the
 * other, unseen classes. Items are named as {@code produce} names them ({@code <split>-<index in
 * the split's file>}), so {@code evaluate --items-prefix test-} finds the queries and
 * {@code produce} sends the same image as the same item.
 *
 * @param training the training events, in the order they are sent
 * @param queries  the unseen classes' test images, embedded but never trained on; null when every
 *                 class is trained on
 */
record QuickstartData(ImageItems training, ImageItems queries) {
    /** Classes 0..9 of Fashion-MNIST. */
    private static final int CLASSES = 10;

    /**
     * {@code events} training images and {@code queryItems} query images, each chosen and ordered
     * by a seeded shuffle ({@link #sample}): the training one with {@code seed + 1}, the query one
     * with {@code seed}.
     *
     * @throws IllegalArgumentException for a class list {@link #parseClasses} refuses
     * @throws IOException              when the IDX files cannot be read
     */
    static QuickstartData select(Path data, List<String> trainClasses, int events, int queryItems, long seed)
            throws IOException {
        Set<Integer> train = parseClasses(trainClasses);
        Set<Integer> unseen = new HashSet<>();
        for (int c = 0; c < CLASSES; c++) {
            if (!train.contains(c)) {
                unseen.add(c);
            }
        }
        ImageItems training = FashionMnistItems.select(data, FashionMnist.Split.TRAIN, train);
        ImageItems queries = unseen.isEmpty() ? null : FashionMnistItems.select(data, FashionMnist.Split.TEST, unseen);
        return new QuickstartData(pick(training, events, seed + 1), queries == null ? null
                : pick(queries, queryItems, seed));
    }

    int queryCount() {
        return queries == null ? 0 : queries.size();
    }

    /** Training events and query items together: what the quickstart sends, bad events aside. */
    long planned() {
        return training.size() + queryCount();
    }

    /**
     * The {@code --train-classes} values: class numbers 0..9 ({@link FashionMnistItems#parseClasses}),
     * at least two, or {@code all}.
     *
     * @throws IllegalArgumentException naming the flag and the value it cannot take
     */
    static Set<Integer> parseClasses(List<String> values) {
        Set<Integer> classes = FashionMnistItems.parseClasses(values, "--train-classes");
        if (classes.size() < 2) {
            throw new IllegalArgumentException("--train-classes needs at least two classes");
        }
        return classes;
    }

    /** {@code count} items of {@code pool} chosen and ordered by a seeded shuffle ({@link #sample}). */
    private static ImageItems pick(ImageItems pool, int count, long seed) {
        List<ImageItems.Item> chosen = new ArrayList<>();
        for (int i : sample(pool.size(), count, seed)) {
            chosen.add(pool.items().get(i));
        }
        return new ImageItems(pool.images(), chosen);
    }

    /**
     * {@code count} distinct indices of 0..n-1 in a seeded random order (a partial Fisher-Yates
     * shuffle with {@link Random}), all n when {@code count >= n}. The streaming benches order
     * their events with it too, so a seed means the same order everywhere.
     */
    static int[] sample(int n, int count, long seed) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        Random r = new Random(seed);
        int k = Math.min(count, n);
        for (int i = 0; i < k; i++) {
            int j = i + r.nextInt(n - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        return Arrays.copyOf(all, k);
    }
}
