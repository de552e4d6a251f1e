package io.streamsynth.bench.streamoffline;

import io.streamsynth.model.data.ImageSet;
import io.streamsynth.operators.types.ImageSample;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * A fixed, seeded order of labelled training events: every train image of the chosen classes once,
 * shuffled, event {@code n} being item {@code "item-" + n} of one catalog. The streaming job reads a
 * prefix of it from Kafka and the offline replay reads the same prefix from memory.
 *
 * @param catalog the catalog every event belongs to
 * @param images  image indices into the train set, in arrival order
 */
public record EventSequence(String catalog, int[] images) {
    public EventSequence {
        if (catalog == null || catalog.isEmpty()) {
            throw new IllegalArgumentException("catalog must not be empty");
        }
        images = images.clone();
    }

    /**
     * Every image of {@code classes} in {@code train}, in a shuffle drawn from {@code seed}.
     *
     * @throws IllegalArgumentException when a class has no image in {@code train}
     */
    public static EventSequence shuffled(String catalog, ImageSet train, Collection<Integer> classes, long seed) {
        Set<Integer> wanted = new TreeSet<>(classes);
        Set<Integer> found = new TreeSet<>();
        List<Integer> chosen = new ArrayList<>();
        for (int i = 0; i < train.size(); i++) {
            if (wanted.contains(train.label(i))) {
                chosen.add(i);
                found.add(train.label(i));
            }
        }
        if (!found.equals(wanted)) {
            Set<Integer> missing = new TreeSet<>(wanted);
            missing.removeAll(found);
            throw new IllegalArgumentException("the train set has no image of class(es) " + missing);
        }
        Collections.shuffle(chosen, new Random(seed));
        return new EventSequence(catalog, chosen.stream().mapToInt(Integer::intValue).toArray());
    }

    public int size() {
        return images.length;
    }

    /** The item id of event {@code n}: each event is a new item, so none replaces an earlier one. */
    public static String itemId(int n) {
        return "item-" + n;
    }

    /**
     * Event {@code n} as the job's decoder hands it to the batch builder for an image that arrived as a
     * lossless PNG with the grey catalog's default preprocessing (28 x 28, stored raw): the image's
     * bytes, its label as text, {@code heldOut} as the decoder's selector decided.
     *
     * @param ingestTime the batch builder orders a class's samples by arrival, not by this time; it only
     *                   feeds freshness figures
     */
    public ImageSample sample(ImageSet train, int n, boolean heldOut, long ingestTime) {
        int index = images[n];
        ImageSample s = new ImageSample();
        s.catalog = catalog;
        s.itemId = itemId(n);
        s.label = Integer.toString(train.label(index));
        s.channels = train.channels();
        s.height = train.height();
        s.width = train.width();
        s.pixels = train.imageBytes(index);
        s.eventTime = ingestTime;
        s.ingestTime = ingestTime;
        s.train = true;
        s.heldOut = heldOut;
        return s;
    }
}
