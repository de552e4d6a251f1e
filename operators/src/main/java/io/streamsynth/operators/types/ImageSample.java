package io.streamsynth.operators.types;

/**
 * A decoded, validated image event: one item of a catalog with its class label and its stored
 * image: the decoded image resized to the catalog's S x S square (C x S x S, see
 * {@code io.streamsynth.model.image.Preprocessing#toSquare}), kept as compact bytes
 * ({@code io.streamsynth.model.image.StoredImage}: raw unsigned bytes or a JPEG). They become
 * floats only when a batch or an embedding is formed.
 */
public class ImageSample {
    public String catalog;
    public String itemId;
    public String label;
    /** Shape of the stored image: C x S x S. */
    public int channels;
    public int height;
    public int width;
    /** The stored image's bytes: raw C x H x W unsigned bytes when exactly that long, else a JPEG. */
    public byte[] pixels;
    /** The event's own time (from the event, milliseconds since the epoch). */
    public long eventTime;
    /** When the job read it, for freshness figures. */
    public long ingestTime;
    /** False for items that are only to be embedded (e.g. a query set), never trained on. */
    public boolean train;
    /**
     * Chosen by a hash of the item id: kept out of training to evaluate the model. On a delete: whether
     * a training image of the item would be held out, so that the delete reaches the evaluation set.
     */
    public boolean heldOut;
    /** The producer's id for the event, or null; events with one are checked for duplicates. */
    public String eventId;
    /**
     * The record the sample was decoded from, so that a duplicate can be dead-lettered with its
     * original bytes. Only set on samples with an {@link #eventId}, and only between decoding and
     * the duplicate check, which clears it: nothing downstream stores it.
     */
    public RawEvent origin;
    /**
     * A delete event: the item is to be removed from every state that holds it. Such a sample has a
     * catalog, an item id and times (and perhaps an event id), but no label and no pixels.
     */
    public boolean deleted;
    /**
     * Set by the embedder when it stores the item: 1 for the first image of the item's current life,
     * one more for every later image. A delete ends the life; a later image starts a new one at 1.
     */
    public long revision;
    /**
     * The catalog's settings record this sample was decoded under ({@link SettingsStamp#revision}): 0 for
     * the job's flags.
     */
    public long settingsRevision;
    /** That record's value ({@link SettingsStamp#settings}); null for the job's flags. */
    public byte[] settings;

    public ImageSample() {}

    /** A delete event for one item of a catalog. */
    public static ImageSample deletion(String catalog, String itemId, long eventTime, long ingestTime) {
        ImageSample s = new ImageSample();
        s.catalog = catalog;
        s.itemId = itemId;
        s.eventTime = eventTime;
        s.ingestTime = ingestTime;
        s.deleted = true;
        return s;
    }

    /**
     * The key of the item's state (dedup, embedder): {@link ItemKey#asString}, unambiguous whatever
     * the ids contain, and the same text as the item's Kafka key.
     */
    public String itemKey() {
        return ItemKey.asString(catalog, itemId);
    }

    /** The catalog settings this sample was decoded under. */
    public SettingsStamp settingsStamp() {
        return new SettingsStamp(settingsRevision, settings);
    }

    /** Records the catalog settings this sample is decoded under. */
    public void stamp(SettingsStamp stamp) {
        settingsRevision = stamp.revision;
        settings = stamp.settings;
    }
}
