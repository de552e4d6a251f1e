package io.streamsynth.operators.batch;

import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.SettingsStamp;
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
        // its own settings: a sample decoded under older ones is of no use to a trainer that moved on
        input.settingsRevision = sample.settingsRevision;
        input.settings = sample.settings;
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

    /**
     * Word that a catalog has events, under the given settings: the trainer publishes version 0 of a catalog
     * it has no model of, and applies newer settings to one it has.
     */
    static TrainerInput catalogSeen(String catalog, SettingsStamp settings) {
        TrainerInput input = new TrainerInput();
        input.kind = TrainerInput.CATALOG_SEEN;
        input.catalog = catalog;
        input.settingsRevision = settings.revision;
        input.settings = settings.settings;
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
        input.settingsRevision = index.settingsRevision;
        input.settings = index.settings;
        return input;
    }
}
