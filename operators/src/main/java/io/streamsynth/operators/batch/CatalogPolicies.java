package io.streamsynth.operators.batch;

import java.io.Serializable;

/**
 * A catalog's batch policy from its settings record, for the batch builder; {@link #fixed} gives every
 * catalog the same.
 */
@FunctionalInterface
public interface CatalogPolicies extends Serializable {

    /** @param settings a catalogs-topic record's value, or null for the job's flags */
    BatchPolicy policy(byte[] settings);

    static CatalogPolicies fixed(BatchPolicy policy) {
        if (policy == null) {
            throw new IllegalArgumentException("policy must not be null");
        }
        return settings -> policy;
    }
}
