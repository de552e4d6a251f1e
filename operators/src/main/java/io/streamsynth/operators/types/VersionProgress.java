package io.streamsynth.operators.types;

/**
 * One embedder subtask's word on one model version of one catalog, for the key groups it holds
 * (key groups as Flink's {@code KeyGroupRangeAssignment} assigns item keys over the embedder's max
 * parallelism). Either "complete": the subtask has published the version for every live item of the
 * catalog in {@link #keyGroups}, with {@link #liveItems} counting those items per key group; or
 * "superseded": a newer version arrived before its re-embedding pass was through.
 */
public class VersionProgress {
    public String catalog;
    public long version;
    public boolean superseded;
    /** The embedder's max parallelism: key groups are 0 .. maxParallelism-1. */
    public int maxParallelism;
    /** The key groups this report speaks for, ascending. */
    public int[] keyGroups;
    /** Live items of the catalog per key group, parallel to {@link #keyGroups}; all zero when superseded. */
    public int[] liveItems;
    /** Items the subtask embedded at this version (on arrival or in the pass) before it reported. */
    public long embedded;
    /** SHA-256 (lowercase hex) of the encoded checkpoint, as in the checkpoint chunks' header. */
    public String checkpointSha256;
    /** SHA-256 (lowercase hex) of the weights, as in the checkpoint's metadata. */
    public String weightsSha256;

    public VersionProgress() {}

    public VersionProgress(String catalog, long version, boolean superseded, int maxParallelism, int[] keyGroups,
            int[] liveItems, long embedded, String checkpointSha256, String weightsSha256) {
        this.catalog = catalog;
        this.version = version;
        this.superseded = superseded;
        this.maxParallelism = maxParallelism;
        this.keyGroups = keyGroups;
        this.liveItems = liveItems;
        this.embedded = embedded;
        this.checkpointSha256 = checkpointSha256;
        this.weightsSha256 = weightsSha256;
    }
}
