package io.streamsynth.operators.batch;

import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.TrainerInput;

/** Builds the two kinds of {@link TrainerInput} the batch builder emits. */
final class TrainerInputs {
    private TrainerInputs() {}

    /** A held-out sample, passed on whole (its stored image as it is) for the trainer's evaluation set. */
    static TrainerInput heldOut(ImageSample sample) {
        TrainerInput input = new TrainerInput();
        input.kind = TrainerInput.HELD_OUT;
        input.catalog = sample.catalog;
        input.itemId = sample.itemId;
        input.channels = sample.channels;
        input.height = sample.height;
        input.width = sample.width;
        input.labels = new String[] {sample.label};
        input.pixels = sample.pixels;
        return input;
    }

    /** A deleted held-out item, for the trainer to drop from its evaluation set. */
    static TrainerInput deletion(ImageSample sample) {
        TrainerInput input = new TrainerInput();
        input.kind = TrainerInput.DELETE;
        input.catalog = sample.catalog;
        input.itemId = sample.itemId;
        input.labels = new String[0];
        input.pixels = new byte[0];
        return input;
    }

    /** Word that a catalog has events: the trainer publishes version 0 of a catalog it has no model of. */
    static TrainerInput catalogSeen(String catalog) {
        TrainerInput input = new TrainerInput();
        input.kind = TrainerInput.CATALOG_SEEN;
        input.catalog = catalog;
        input.labels = new String[0];
        input.pixels = new byte[0];
        return input;
    }

    /** A P x K batch; labels and pixels are class-major, as built by {@link CatalogBuffers}. */
    static TrainerInput batch(String catalog, CatalogIndex index, String[] labels, byte[] pixels, int freshCount,
            long oldestFreshIngestTime, long[] freshIngestTimes, long batchNumber) {
        TrainerInput input = new TrainerInput();
        input.kind = TrainerInput.BATCH;
        input.catalog = catalog;
        input.channels = index.channels;
        input.height = index.height;
        input.width = index.width;
        input.labels = labels;
        input.pixels = pixels;
        input.freshCount = freshCount;
        input.oldestFreshIngestTime = freshCount > 0 ? oldestFreshIngestTime : 0L;
        input.freshIngestTimes = freshIngestTimes;
        input.batchNumber = batchNumber;
        return input;
    }
}
