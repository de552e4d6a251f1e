package io.streamsynth.operators.types;

/**
 * One item's embedding under one model version, or, with {@link #deleted}, the item's removal (a
 * tombstone on the embeddings topic: the item's key with a null value).
 */
public class ItemEmbedding {
    public String catalog;
    public String itemId;
    public String label;
    public long modelVersion;
    /** Which image of the item this is (see {@link ImageSample#revision}); 0 on records that predate it. */
    public long itemRevision;
    /** Null for a tombstone. */
    public float[] vector;
    /** The item was deleted: no label, version or vector. */
    public boolean deleted;

    public ItemEmbedding() {}

    public ItemEmbedding(String catalog, String itemId, String label, long modelVersion, long itemRevision,
            float[] vector) {
        this.catalog = catalog;
        this.itemId = itemId;
        this.label = label;
        this.modelVersion = modelVersion;
        this.itemRevision = itemRevision;
        this.vector = vector;
    }

    /** The tombstone of an item. */
    public static ItemEmbedding tombstone(String catalog, String itemId) {
        ItemEmbedding e = new ItemEmbedding();
        e.catalog = catalog;
        e.itemId = itemId;
        e.deleted = true;
        return e;
    }
}
