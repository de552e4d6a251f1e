package io.streamsynth.operators.embed;

import io.streamsynth.model.data.ImageDecoder;
import io.streamsynth.operators.kafka.ImageEventJson;
import io.streamsynth.operators.types.DeadLetter;
import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.ItemEmbedding;
import io.streamsynth.operators.types.ItemKey;

/**
 * Embeddings holding NaN or an infinity, which the embedder never publishes: JSON has no such numbers
 * (the sink's {@code EmbeddingJson} refuses them, and a refusal there would fail the job on every
 * restart) and a vector index cannot rank them. A served model can still make one from a particular
 * image (an overflow on an odd input, a TorchScript module that divides by zero), though the promotion
 * gate refuses a model that does so on held-out items. Such an item becomes a dead letter instead.
 */
final class NonFiniteEmbeddings {
    /** The dead letter's reason code. */
    static final String REASON = "non_finite_embedding";
    /** The dead letter's source: no Kafka position, the record comes from the embedder's state. */
    static final String SOURCE = "embedder";

    private NonFiniteEmbeddings() {}

    /**
     * What is wrong with a vector: null when every value is finite, else how many values of how many are
     * NaN or infinite and the first of them, e.g. {@code 3 of 128 values are not finite (first at index 5: NaN)}.
     */
    static String problem(float[] vector) {
        int bad = 0;
        int first = -1;
        for (int i = 0; i < vector.length; i++) {
            if (!Float.isFinite(vector[i])) {
                bad++;
                if (first < 0) {
                    first = i;
                }
            }
        }
        if (bad == 0) {
            return null;
        }
        return bad + " of " + vector.length + " values are not finite (first at index " + first + ": "
                + vector[first] + ")";
    }

    /**
     * The dead letter of an item whose embedding is not finite. The job keeps no original record this far
     * downstream, so the value is an image event (schema 1, no {@code event_id}) of the image as the
     * embedder stored it (the catalog's S x S square: its JPEG as stored, raw pixels as a PNG), to look at or
     * to replay; the key is the item key, the timestamp the event's time.
     *
     * @param embedding the unpublishable embedding (catalog, item, version, revision, vector)
     * @param stored    the item's stored image that was embedded
     * @param problem   {@link #problem} of the vector
     */
    static DeadLetter deadLetter(ItemEmbedding embedding, ImageSample stored, String problem) {
        String detail = "model version " + embedding.modelVersion + " of catalog '" + embedding.catalog
                + "' embedded item '" + embedding.itemId + "' (image revision " + embedding.itemRevision + ") to "
                + problem + "; not published";
        byte[] image = stored.pixels.length == stored.channels * stored.height * stored.width
                ? ImageDecoder.encodePng(stored.channels, stored.height, stored.width, stored.pixels)
                : stored.pixels;
        byte[] event = ImageEventJson.encode(null, stored.catalog, stored.itemId, stored.label, image,
                stored.eventTime, stored.train);
        return new DeadLetter(ItemKey.encode(stored.catalog, stored.itemId), event, REASON, detail, SOURCE,
                stored.eventTime);
    }
}
