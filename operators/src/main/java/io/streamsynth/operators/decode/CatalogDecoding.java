package io.streamsynth.operators.decode;

import io.streamsynth.model.image.ImageSpec;
import java.io.Serializable;

/**
 * What the decoder takes from a catalog's settings: the image contract its events are decoded into and
 * its held-out selector, and the check of a record arriving on the catalogs topic. Implemented over the
 * catalog settings codec (the settings package); {@link #fixed} serves every catalog alike.
 */
public interface CatalogDecoding extends Serializable {

    /**
     * The catalog's image contract and held-out selector; one lookup per event.
     *
     * @param settings a catalogs-topic record's value as {@link #check} returned it, or null for the job's flags
     */
    ImageEventParser.Choice decoding(byte[] settings);

    /**
     * Checks a record of the catalogs topic before any event is decoded under it, a backbone file it names
     * included (once per record: the decoder keeps what this returns).
     *
     * @param key   the record's key, the catalog, or null when it had none
     * @param value the record's value (not a tombstone)
     * @return the value the catalog's events are stamped with from now on: {@code value}, with what the check
     *         found out added (the sha256 of a backbone file, say) so no operator downstream reads the file again
     * @throws IllegalArgumentException naming the field that is wrong (an
     *         {@link io.streamsynth.model.train.InvalidSettingException} where it names a setting)
     */
    byte[] check(String key, byte[] value);

    /** Every catalog with {@code spec} and {@code heldOut}; a settings record is refused. */
    static CatalogDecoding fixed(ImageSpec spec, HeldOutSelector heldOut) {
        if (spec == null || heldOut == null) {
            throw new IllegalArgumentException("spec and heldOut must not be null");
        }
        return new Fixed(new ImageEventParser.Choice(spec, heldOut));
    }

    /** {@link #fixed}: a record, so that it has a readable toString and equals. */
    record Fixed(ImageEventParser.Choice choice) implements CatalogDecoding {
        @Override
        public ImageEventParser.Choice decoding(byte[] settings) {
            return choice;
        }

        @Override
        public byte[] check(String key, byte[] value) {
            throw new IllegalArgumentException("this decoder takes no catalog settings records");
        }
    }
}
