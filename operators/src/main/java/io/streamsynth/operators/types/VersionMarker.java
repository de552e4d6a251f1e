package io.streamsynth.operators.types;

/**
 * The record on the {@code embedding-versions} topic: model version {@link #version} of a catalog is
 * complete on the embeddings topic, or was superseded before it was (see
 * {@link io.streamsynth.operators.kafka.VersionMarkerJson} for the wire format).
 */
public class VersionMarker {
    public static final String COMPLETE = "complete";
    public static final String SUPERSEDED = "superseded";

    public String catalog;
    public long version;
    /** {@link #COMPLETE} or {@link #SUPERSEDED} (or, read by a lenient reader, a status a later writer added). */
    public String status;
    /** Complete: live items of the catalog embedded at this version; superseded: items embedded at it. */
    public long items;
    /** When the marker was made (processing time, ms since the epoch). */
    public long timeMillis;
    public String checkpointSha256;
    public String weightsSha256;

    public VersionMarker() {}

    public VersionMarker(String catalog, long version, String status, long items, long timeMillis,
            String checkpointSha256, String weightsSha256) {
        this.catalog = catalog;
        this.version = version;
        this.status = status;
        this.items = items;
        this.timeMillis = timeMillis;
        this.checkpointSha256 = checkpointSha256;
        this.weightsSha256 = weightsSha256;
    }

    public boolean isComplete() {
        return COMPLETE.equals(status);
    }

    public boolean isSuperseded() {
        return SUPERSEDED.equals(status);
    }

    @Override
    public String toString() {
        return catalog + " v" + version + " " + status + " (" + items + " items)";
    }
}
