package io.streamsynth.pipeline.produce;

import io.streamsynth.model.data.FashionMnist;
import io.streamsynth.model.data.ImageSet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Fashion-MNIST images of some classes as items {@code <split>-<index>}, the index being the
 * image's place in its split's IDX file, so the same image always gets the same item id. Labels
 * are the class numbers as text ("0" to "9").
 */
public final class FashionMnistItems {
    private FashionMnistItems() {}

    /** @param classes the class numbers to keep */
    public static ImageItems select(Path dir, FashionMnist.Split split, Set<Integer> classes) throws IOException {
        ImageSet images = FashionMnist.load(dir, split);
        String prefix = split == FashionMnist.Split.TRAIN ? "train-" : "test-";
        List<ImageItems.Item> items = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            int label = images.labels()[i];
            if (classes.contains(label)) {
                items.add(new ImageItems.Item(i, prefix + i, Integer.toString(label)));
            }
        }
        return new ImageItems(images, items);
    }

    /**
     * Class numbers from a comma-separated flag value: "all", or numbers 0..9.
     *
     * @param flag the flag's name, for the error message
     */
    public static Set<Integer> parseClasses(List<String> values, String flag) {
        if (values.size() == 1 && values.get(0).trim().equalsIgnoreCase("all")) {
            return Set.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        }
        Set<Integer> out = new java.util.TreeSet<>();
        for (String v : values) {
            int c;
            try {
                c = Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                c = -1;
            }
            if (c < 0 || c >= FashionMnist.CLASS_NAMES.size()) {
                throw new IllegalArgumentException(flag + " takes Fashion-MNIST class numbers 0..9 or 'all', got '"
                        + v + "'");
            }
            out.add(c);
        }
        return out;
    }
}
