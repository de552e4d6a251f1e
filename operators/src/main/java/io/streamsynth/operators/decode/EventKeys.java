package io.streamsynth.operators.decode;

import io.streamsynth.operators.types.ItemKey;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * The rules for the key of an input record. The value names the item and is authoritative; the key
 * must agree with it, because Kafka partitions and compacts by key: a key naming another item would
 * put the item's events on different partitions (out of order) and let compaction drop the wrong one.
 *
 * <ul>
 *   <li>{@link ItemKey} bytes {@code [catalog, item_id]}: the documented key; must name the value's
 *       catalog and item.</li>
 *   <li>Any other bytes are read as a bare item id in UTF-8 (the key of producers written before
 *       keys carried the catalog) and must equal the value's {@code item_id}. An item id that itself
 *       reads as a JSON array is accepted under either reading, so no id is refused for its looks.</li>
 *   <li>No key: accepted, since the value says everything; but Kafka then spreads the item's events
 *       over partitions, so their order (which image is the newest) is not kept.</li>
 *   <li>A tombstone (null value) deletes the item its key names, so only an {@link ItemKey} will
 *       do: a bare item id does not say which catalog.</li>
 * </ul>
 */
public final class EventKeys {
    /** A key that names another item than the event's value. */
    public static final String KEY_MISMATCH = "key_mismatch";
    /** A record with neither key nor value. */
    public static final String TOMBSTONE_WITHOUT_KEY = "tombstone_without_key";
    /** A null value under a key that is not [catalog, item_id]. */
    public static final String INVALID_TOMBSTONE_KEY = "invalid_tombstone_key";

    private EventKeys() {}

    /** Rejects a key that names another item than (catalog, itemId). */
    public static void check(byte[] key, String catalog, String itemId) throws EventRejectedException {
        if (key == null || Arrays.equals(key, ItemKey.encode(catalog, itemId))) {
            return;
        }
        Optional<ItemKey> parsed = ItemKey.decode(key);
        if (parsed.isPresent() && parsed.get().equals(new ItemKey(catalog, itemId))) {
            return;
        }
        String bare = new String(key, StandardCharsets.UTF_8);
        if (bare.equals(itemId)) {
            return;
        }
        String named = parsed.map(k -> "catalog '" + k.catalog() + "', item '" + k.itemId() + "'")
                .orElse("item '" + printable(bare) + "'");
        throw new EventRejectedException(KEY_MISMATCH, "the key names " + named + " but the event is item '"
                + itemId + "' of catalog '" + catalog + "'; the value is authoritative, the key must agree");
    }

    /** The item a tombstone deletes. */
    public static ItemKey tombstoneTarget(byte[] key) throws EventRejectedException {
        if (key == null) {
            throw new EventRejectedException(TOMBSTONE_WITHOUT_KEY,
                    "the record has neither key nor value: nothing to decode and no item to delete");
        }
        Optional<ItemKey> parsed = ItemKey.decode(key);
        if (parsed.isEmpty()) {
            throw new EventRejectedException(INVALID_TOMBSTONE_KEY, "a record without a value deletes the item "
                    + "its key names, but " + ItemKey.problem(key) + "; a delete needs the key [catalog, item_id] "
                    + "or a JSON event with \"deleted\": true");
        }
        return parsed.get();
    }

    /** At most 200 characters of a key, for a message. */
    private static String printable(String key) {
        return key.length() <= 200 ? key : key.substring(0, 200) + "...";
    }
}
