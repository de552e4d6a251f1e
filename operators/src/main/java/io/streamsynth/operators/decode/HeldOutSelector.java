package io.streamsynth.operators.decode;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Picks the items kept out of training for evaluation. It hashes the item rather than drawing at
 * random so that every event of an item, on any subtask and after any restart, lands on the same
 * side: an item trained on once would make its evaluation meaningless.
 *
 * <p>An item is held out when CRC32 of the UTF-8 bytes of {@code catalog + "/" + itemId}, modulo
 * 10000, is below {@code share * 10000}.
 *
 * @param share fraction of items held out, in [0, 0.5]
 */
public record HeldOutSelector(double share) implements Serializable {

    private static final int BUCKETS = 10_000;

    public HeldOutSelector {
        // Negated so that NaN is rejected too.
        if (!(share >= 0 && share <= 0.5)) {
            throw new IllegalArgumentException("heldOutShare must be between 0 and 0.5, got " + share);
        }
    }

    public boolean isHeldOut(String catalog, String itemId) {
        CRC32 crc = new CRC32();
        crc.update((catalog + "/" + itemId).getBytes(StandardCharsets.UTF_8));
        return crc.getValue() % BUCKETS < Math.round(share * BUCKETS);
    }
}
