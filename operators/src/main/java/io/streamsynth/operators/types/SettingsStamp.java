package io.streamsynth.operators.types;

import java.util.Arrays;

/**
 * The catalog settings record a sample was decoded under, as it travels with the data (see the README,
 * "Catalog settings"): every operator downstream of the decoder takes a catalog's settings from the
 * stamps of its inputs, so a change reaches each operator in order with the samples decoded under it.
 * A Flink POJO.
 */
public class SettingsStamp {
    /**
     * 1 + the offset of the record on the catalogs topic; 0 when the catalog never had a record (the job's
     * flags). A catalog's records share its key, hence its partition, so a larger revision is a newer record.
     */
    public long revision;
    /** The record's value as it arrived (UTF-8 JSON); null: the job's flags (no record, or a tombstone). */
    public byte[] settings;

    public SettingsStamp() {}

    public SettingsStamp(long revision, byte[] settings) {
        this.revision = revision;
        this.settings = settings;
    }

    /** The job's flags, for catalogs without a record. */
    public static SettingsStamp jobFlags() {
        return new SettingsStamp(0, null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SettingsStamp s && s.revision == revision && Arrays.equals(s.settings, settings);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(revision) * 31 + Arrays.hashCode(settings);
    }

    @Override
    public String toString() {
        return "revision " + revision + (settings == null ? " (the job's flags)" : "");
    }
}
