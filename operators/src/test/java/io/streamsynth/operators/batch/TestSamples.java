package io.streamsynth.operators.batch;

import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.TrainerInput;
import java.util.ArrayList;
import java.util.List;

/** Tiny 1x4x4 images whose first four bytes carry a sample id, so a batch shows which samples it took. */
final class TestSamples {
    static final int CHANNELS = 1;
    static final int HEIGHT = 4;
    static final int WIDTH = 4;
    static final int BYTES = CHANNELS * HEIGHT * WIDTH;

    private TestSamples() {}

    static ImageSample train(String catalog, String label, int id, long ingestTime) {
        ImageSample sample = new ImageSample();
        sample.catalog = catalog;
        sample.itemId = "item-" + id;
        sample.label = label;
        sample.channels = CHANNELS;
        sample.height = HEIGHT;
        sample.width = WIDTH;
        sample.pixels = pixels(id);
        sample.eventTime = ingestTime;
        sample.ingestTime = ingestTime;
        sample.train = true;
        return sample;
    }

    static ImageSample train(String catalog, String label, int id) {
        return train(catalog, label, id, 1_000L + id);
    }

    static ImageSample heldOut(String catalog, String label, int id) {
        ImageSample sample = train(catalog, label, id);
        sample.heldOut = true;
        return sample;
    }

    static byte[] pixels(int id) {
        byte[] pixels = new byte[BYTES];
        pixels[0] = (byte) (id >>> 24);
        pixels[1] = (byte) (id >>> 16);
        pixels[2] = (byte) (id >>> 8);
        pixels[3] = (byte) id;
        for (int i = 4; i < BYTES; i++) {
            pixels[i] = (byte) (id * 31 + i);
        }
        return pixels;
    }

    /** The ids of a batch's samples, in batch order. */
    static List<Integer> ids(TrainerInput batch) {
        List<Integer> ids = new ArrayList<>();
        for (int n = 0; n < batch.count(); n++) {
            int at = n * BYTES;
            byte[] p = batch.pixels;
            ids.add(((p[at] & 0xff) << 24) | ((p[at + 1] & 0xff) << 16) | ((p[at + 2] & 0xff) << 8) | (p[at + 3] & 0xff));
        }
        return ids;
    }
}
