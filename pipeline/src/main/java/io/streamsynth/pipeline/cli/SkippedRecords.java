package io.streamsynth.pipeline.cli;

import io.streamsynth.operators.types.ItemKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Records a reader skipped because they break the wire format, counted, with the first few named by
 * key, partition and offset and their reason, so that a user can find them (issue 13, part 3: an
 * embedding with a NaN or an infinity, which JSON cannot carry and {@code EmbeddingJson} refuses, is
 * one of them, and must name its item rather than vanish from the figures).
 */
final class SkippedRecords {
    /** How many skipped records the summary names; the rest are only counted. */
    static final int NAMED = 5;

    private final List<String> named = new ArrayList<>();
    private long count;

    /**
     * Counts one skipped record.
     *
     * @param key the record's key bytes (an {@link ItemKey} when the producer followed the format; may be null)
     * @param reason why it was skipped, e.g. the decoder's message
     */
    void add(byte[] key, int partition, long offset, String reason) {
        count++;
        if (named.size() < NAMED) {
            named.add(describe(key) + " (partition " + partition + ", offset " + offset + "): " + reason);
        }
    }

    long count() {
        return count;
    }

    /**
     * One line: the count, the format the records break, and the first {@value #NAMED} of them; empty when none.
     *
     * @param format the wire format's name, e.g. {@code embedding}
     */
    Optional<String> summary(String format) {
        if (count == 0) {
            return Optional.empty();
        }
        return Optional.of("skipped " + count + (count == 1 ? " record" : " records") + " not in the documented "
                + format + " format: "
                + String.join("; ", named) + (count > named.size() ? "; and " + (count - named.size()) + " more" : ""));
    }

    private static String describe(byte[] key) {
        if (key == null) {
            return "a record without a key";
        }
        Optional<ItemKey> item = ItemKey.decode(key);
        if (item.isPresent()) {
            return "item '" + item.get().itemId() + "' of catalog '" + item.get().catalog() + "'";
        }
        return "key '" + new String(key, StandardCharsets.UTF_8) + "'";
    }
}
