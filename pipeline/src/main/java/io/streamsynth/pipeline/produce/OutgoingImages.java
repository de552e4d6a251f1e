package io.streamsynth.pipeline.produce;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The images a producer sends, in sending order, as the encoded bytes that go into each event. The
 * bytes are made or read when an event is sent, not before, so a folder of photos or a rendered
 * catalog is never held in memory whole.
 */
public record OutgoingImages(List<Entry> entries) {

    /** Makes or reads one image's encoded bytes (PNG, JPEG, WebP, ... as the event carries them). */
    @FunctionalInterface
    public interface Bytes {
        byte[] read() throws IOException;
    }

    /**
     * One event to send.
     *
     * @param label the class as text, or null for an unlabelled item
     */
    public record Entry(String itemId, String label, Bytes bytes) {}

    public OutgoingImages {
        entries = List.copyOf(entries);
    }

    public int size() {
        return entries.size();
    }

    /** The first {@code limit} entries (all when null). */
    public OutgoingImages limit(Integer limit) {
        return limit == null || limit >= entries.size() ? this : new OutgoingImages(entries.subList(0, limit));
    }

    /** The same entries in a seeded random order, so class-sorted sources interleave their classes. */
    public OutgoingImages shuffled(long seed) {
        List<Entry> copy = new ArrayList<>(entries);
        Collections.shuffle(copy, new Random(seed));
        return new OutgoingImages(copy);
    }
}
