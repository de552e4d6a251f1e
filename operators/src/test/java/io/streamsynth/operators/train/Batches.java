package io.streamsynth.operators.train;

import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.runtime.DeviceSpec;
import io.streamsynth.model.train.TrainingConfig;
import io.streamsynth.operators.types.TrainerInput;
import java.time.Duration;
import java.util.Random;

/** Generated trainer inputs: 12x12 grey images whose class is a bright bar at a class-specific row. */
public final class Batches {
    public static final int SIZE = 12;
    public static final Architecture ARCHITECTURE = new Architecture(Architecture.Kind.CNN, 1, SIZE, SIZE, 8, 8);

    private Batches() {}

    public static TrainerSettings settings(int publishEverySteps) {
        return new TrainerSettings(ARCHITECTURE,
                new TrainingConfig("triplet", Float.NaN, "ee", 2, "adam", 1e-2f, 0.9f, 0f), 5,
                DeviceSpec.parse("cpu"), publishEverySteps, Duration.ofHours(1), 100, 4);
    }

    public static byte[] image(int label, Random random) {
        byte[] pixels = new byte[SIZE * SIZE];
        int row = 1 + (label * 3) % (SIZE - 2);
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                double v = (y == row ? 200 : 30) + 25 * random.nextGaussian();
                pixels[y * SIZE + x] = (byte) Math.max(0, Math.min(255, (int) v));
            }
        }
        return pixels;
    }

    public static TrainerInput batch(String catalog, int p, int k, Random random) {
        TrainerInput in = new TrainerInput();
        in.kind = TrainerInput.BATCH;
        in.catalog = catalog;
        in.channels = 1;
        in.height = SIZE;
        in.width = SIZE;
        in.labels = new String[p * k];
        in.pixels = new byte[p * k * SIZE * SIZE];
        for (int i = 0; i < p * k; i++) {
            int label = i / k;
            in.labels[i] = "class-" + label;
            System.arraycopy(image(label, random), 0, in.pixels, i * SIZE * SIZE, SIZE * SIZE);
        }
        in.freshCount = p * k;
        in.oldestFreshIngestTime = 1;
        return in;
    }

    public static TrainerInput heldOut(String catalog, String itemId, int label, Random random) {
        TrainerInput in = new TrainerInput();
        in.kind = TrainerInput.HELD_OUT;
        in.catalog = catalog;
        in.itemId = itemId;
        in.channels = 1;
        in.height = SIZE;
        in.width = SIZE;
        in.labels = new String[] {"class-" + label};
        in.pixels = image(label, random);
        return in;
    }
}
