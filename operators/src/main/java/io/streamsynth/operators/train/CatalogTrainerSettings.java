package io.streamsynth.operators.train;

import java.io.Serializable;

/**
 * A catalog's trainer settings from its settings record, for the trainer; {@link #fixed} gives every
 * catalog the same.
 */
@FunctionalInterface
public interface CatalogTrainerSettings extends Serializable {

    /** @param settings a catalogs-topic record's value, or null for the job's flags */
    TrainerSettings trainer(byte[] settings);

    static CatalogTrainerSettings fixed(TrainerSettings settings) {
        if (settings == null) {
            throw new IllegalArgumentException("settings must not be null");
        }
        return record -> settings;
    }
}
