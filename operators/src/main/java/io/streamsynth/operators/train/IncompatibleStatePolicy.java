package io.streamsynth.operators.train;

import java.util.Locale;

/**
 * What the trainer does when a catalog's restored model or optimizer state does not fit the job's
 * configured architecture or optimizer (a savepoint taken with {@code --embedding-size 16} and
 * restored with 32, or Adam's moments under SGD). Decided once per restore, never retried.
 */
public enum IncompatibleStatePolicy {
    /** Start the catalog's model anew from the seed, keep counting versions, name the old lineage in the next checkpoint. */
    NEW_LINEAGE("new-lineage"),
    /** Fail the job once with a non-recoverable error that Flink's restart strategy does not retry. */
    FAIL("fail");

    private final String flag;

    IncompatibleStatePolicy(String flag) {
        this.flag = flag;
    }

    /** The value as {@code --on-incompatible-state} spells it. */
    public String flag() {
        return flag;
    }

    /** @throws IllegalArgumentException naming the flag for anything but new-lineage or fail */
    public static IncompatibleStatePolicy parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        for (IncompatibleStatePolicy p : values()) {
            if (p.flag.equals(v)) {
                return p;
            }
        }
        throw new IllegalArgumentException("--on-incompatible-state must be new-lineage or fail, got '" + value + "'");
    }
}
