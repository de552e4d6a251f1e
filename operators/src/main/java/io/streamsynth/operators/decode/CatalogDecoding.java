package io.streamsynth.operators.decode;

import io.streamsynth.model.image.ImageSpec;
import java.io.Serializable;

/**
 * What the decoder takes from a catalog's settings: the image contract its events are decoded into and
 * its held-out share, and the check of a record arriving on the catalogs topic. Implemented over the
 * catalog settings codec (the settings package); {@link #fixed} serves every catalog alike.
 */
public interface CatalogDecoding extends Serializable {

    /** @param settings a catalogs-topic record's value, or null for the job's flags */
    ImageSpec image(byte[] settings);

    /** @param settings a catalogs-topic record's value, or null for the job's flags */
    HeldOutSelector heldOut(byte[] settings);

    /**
     * Checks a record of the catalogs topic before any event is decoded under it.
     *
     * @param key   the record's key, the catalog, or null when it had none
     * @param value the record's value (not a tombstone)
     * @throws IllegalArgumentException naming the field that is wrong (an
     *         {@link io.streamsynth.model.train.InvalidSettingException} where it names a setting)
     */
    void check(String key, byte[] value);

    /** Every catalog with {@code spec} and {@code heldOut}; a settings record is refused. */
    static CatalogDecoding fixed(ImageSpec spec, HeldOutSelector heldOut) {
        if (spec == null || heldOut == null) {
            throw new IllegalArgumentException("spec and heldOut must not be null");
        }
        return new Fixed(spec, heldOut);
    }

    /** {@link #fixed}: a record, so that it has a readable toString and equals. */
    record Fixed(ImageSpec spec, HeldOutSelector heldOutSelector) implements CatalogDecoding {
        @Override
        public ImageSpec image(byte[] settings) {
            return spec;
        }

        @Override
        public HeldOutSelector heldOut(byte[] settings) {
            return heldOutSelector;
        }

        @Override
        public void check(String key, byte[] value) {
            throw new IllegalArgumentException("this decoder takes no catalog settings records");
        }
    }
}
