package io.streamsynth.operators.decode;

/**
 * One labelled image event, or one delete event, as read from the input topic, before its image is
 * decoded. The record's key is the item's {@link io.streamsynth.operators.types.ItemKey} (see
 * {@link EventKeys} for what else is accepted); the value is authoritative.
 *
 * <p>Wire format, schema version 1: a UTF-8 JSON object.
 *
 * <pre>{@code
 * {
 *   "schema_version": 1,               // integer, required; other versions are rejected
 *   "event_id": "e-42",                // string, optional
 *   "catalog": "fashion",              // string, required: which model trains on it
 *   "item_id": "sku-123",              // string, required: unique within the catalog
 *   "label": "sneaker",                // string, required when train is true, else optional
 *   "image": "iVBORw0KGgo...",         // string, required: base64 (standard alphabet) of PNG or JPEG bytes
 *   "event_time": 1767225600000,       // integer, required: milliseconds since the epoch, >= 0
 *   "train": true,                     // boolean, optional, default true; false = embed only, never train
 *   "deleted": false                   // boolean, optional, default false; see below
 * }
 * }</pre>
 *
 * <p>A <b>delete event</b> has {@code "deleted": true}, {@code schema_version}, {@code catalog} and
 * {@code item_id}; {@code event_id} and {@code event_time} are optional (time 0 when absent) and
 * every other field is ignored. It removes the item from the job. A tombstone (the item's key with
 * a null value) means the same.
 *
 * <p>Rules: keys may appear once; types are never coerced (a number is not a string, 1.0 is not an
 * integer); a null value means the same as an absent key; unknown keys are ignored so that
 * producers can add fields without a new version. Ids and the label are non-empty, at most
 * {@code maxIdLength} characters (128 by default) and free of control characters. The whole event
 * is at most 2 MiB and the image at most 1 MiB by default, and the image must have the catalog's
 * channels and size. An event breaking any rule goes to the dead-letter topic, untouched, with a
 * reason code (see {@link EventRejectedException}).
 *
 * @param eventId   the producer's id for the event, or null
 * @param label     the class label, or null for an event that is not trained on
 * @param image     the encoded image bytes, decoded from base64
 * @param eventTime milliseconds since the epoch
 * @param train     false for items that are only to be embedded
 * @param deleted   a delete event: label and image are null
 */
public record ImageEvent(String eventId, String catalog, String itemId, String label, byte[] image, long eventTime,
        boolean train, boolean deleted) {

    public static final int SCHEMA_VERSION = 1;

    public static final String SCHEMA_VERSION_FIELD = "schema_version";
    public static final String EVENT_ID = "event_id";
    public static final String CATALOG = "catalog";
    public static final String ITEM_ID = "item_id";
    public static final String LABEL = "label";
    public static final String IMAGE = "image";
    public static final String EVENT_TIME = "event_time";
    public static final String TRAIN = "train";
    public static final String DELETED = "deleted";
}
