package io.streamsynth.operators.types;

/**
 * What the batch builder sends the trainer: a P x K batch to train on, one held-out sample for the
 * trainer's evaluation set, the delete of a held-out item, or word of a catalog's first event. One class for all keeps Flink's POJO
 * serializer.
 */
public class TrainerInput {
    public static final int BATCH = 0;
    public static final int HELD_OUT = 1;
    /** A held-out item was deleted: only {@link #catalog} and {@link #itemId} are set. */
    public static final int DELETE = 2;
    /**
     * An event of the catalog reached the batch builder (sent once per catalog and builder start, and
     * for every kind of event, embed-only ones too): a trainer without a model of the catalog creates
     * one and publishes it as version 0. Only {@link #catalog} and the settings stamp are set; the builder also
     * sends one when the catalog's settings change, so the trainer applies them before any batch under them.
     */
    public static final int CATALOG_SEEN = 3;

    public int kind;
    public String catalog;
    /** Held-out sample's (or deleted item's) id; null for batches. */
    public String itemId;
    public int channels;
    public int height;
    public int width;
    /** Labels in batch order (class-major for batches). */
    public String[] labels;
    /**
     * Batches: concatenated stored squares of all samples, row-major N x C x H x W, unsigned bytes.
     * Held-out samples: the sample's stored image as the decoder made it (raw bytes or a JPEG).
     */
    public byte[] pixels;
    /**
     * The catalog's batch number, from which (with the seed and the catalog) the trainer derives
     * this batch's augmentation, so a restored job trains on the very same crops.
     */
    public long batchNumber;
    /** Earliest ingest time of the fresh samples in this batch (0 if none). */
    public long oldestFreshIngestTime;
    /** Samples in this batch never trained on before. */
    public int freshCount;
    /**
     * Ingest time of each fresh sample, for the trainer's freshness figures; null from a builder
     * that does not record them (then only {@link #oldestFreshIngestTime} is known).
     */
    public long[] freshIngestTimes;
    /**
     * The catalog settings record this input was built under ({@link SettingsStamp#revision}; 0: the job's
     * flags): a batch, an announcement under the builder's current settings of the catalog, a held-out sample
     * under its own. The trainer applies a revision newer than the one it trains with before the input.
     */
    public long settingsRevision;
    /** That record's value ({@link SettingsStamp#settings}); null for the job's flags. */
    public byte[] settings;

    public TrainerInput() {}

    /** The catalog settings this input was built under. */
    public SettingsStamp settingsStamp() {
        return new SettingsStamp(settingsRevision, settings);
    }

    public int count() {
        return labels.length;
    }
}
