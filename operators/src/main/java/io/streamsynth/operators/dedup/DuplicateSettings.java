package io.streamsynth.operators.dedup;

import java.io.Serializable;
import java.time.Duration;

/**
 * How long, and how many, event ids are remembered to recognise a producer's retry.
 *
 * @param retention  an event whose id was seen for the same item less than this long ago is a
 *                   duplicate; after it, the id is forgotten (state TTL cleans up quiet items)
 * @param idsPerItem most recent event ids kept per item, so that an item updated very often still
 *                   costs bounded state; a retry arriving after this many newer events of the same
 *                   item is not recognised
 */
public record DuplicateSettings(Duration retention, int idsPerItem) implements Serializable {

    public static final long DEFAULT_RETENTION_SECONDS = 3600;
    public static final Duration DEFAULT_RETENTION = Duration.ofSeconds(DEFAULT_RETENTION_SECONDS);
    public static final int DEFAULT_IDS_PER_ITEM = 16;
    public static final Duration MAX_RETENTION = Duration.ofDays(30);

    public DuplicateSettings {
        if (retention == null || retention.toMillis() < 1000 || retention.compareTo(MAX_RETENTION) > 0) {
            throw new IllegalArgumentException("duplicate retention must be within 1 s..30 days, got " + retention);
        }
        if (idsPerItem < 1 || idsPerItem > 1024) {
            throw new IllegalArgumentException("event ids kept per item must be within 1..1024, got " + idsPerItem);
        }
    }

    /** One hour, 16 ids per item. */
    public static DuplicateSettings defaults() {
        return new DuplicateSettings(DEFAULT_RETENTION, DEFAULT_IDS_PER_ITEM);
    }

    public DuplicateSettings withRetention(Duration newRetention) {
        return new DuplicateSettings(newRetention, idsPerItem);
    }
}
