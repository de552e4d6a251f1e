package io.streamsynth.operators.types;

/** One item's embedding under one model version. */
public class ItemEmbedding {
    public String catalog;
    public String itemId;
    public String label;
    public long modelVersion;
    public float[] vector;

    public ItemEmbedding() {}

    public ItemEmbedding(String catalog, String itemId, String label, long modelVersion, float[] vector) {
        this.catalog = catalog;
        this.itemId = itemId;
        this.label = label;
        this.modelVersion = modelVersion;
        this.vector = vector;
    }
}
