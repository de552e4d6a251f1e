package io.streamsynth.pipeline.job;

import io.streamsynth.model.data.ImageDecoder;
import io.streamsynth.model.data.ImageLimits;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.runtime.DeviceSpec;
import io.streamsynth.model.train.TrainingConfig;
import io.streamsynth.operators.batch.BatchPolicy;
import io.streamsynth.operators.decode.EventLimits;
import io.streamsynth.operators.embed.EmbedderSettings;
import io.streamsynth.operators.kafka.ImageEventJson;
import io.streamsynth.operators.train.TrainerSettings;
import io.streamsynth.pipeline.kafka.ImageEventProducer;
import io.streamsynth.pipeline.kafka.Topics;
import java.time.Duration;
import java.util.Properties;
import java.util.Random;

/** A catalog of generated 28x28 grey images (a class is a bright bar at its own place) and a small job over it. */
final class GeneratedCatalog {
    static final String CATALOG = "generated";
    static final int SIZE = 28;
    static final Architecture ARCHITECTURE = new Architecture(Architecture.Kind.CNN, 1, SIZE, SIZE, 16, 8);
    static final long SEED = 3;

    private GeneratedCatalog() {}

    static byte[] pixels(int label, long itemSeed) {
        Random random = new Random(itemSeed);
        byte[] pixels = new byte[SIZE * SIZE];
        int position = 3 + (label * 4) % (SIZE - 6);
        boolean vertical = label % 2 == 1;
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                boolean bar = Math.abs((vertical ? x : y) - position) <= 1;
                double v = (bar ? 170 : 50) + 45 * random.nextGaussian();
                pixels[y * SIZE + x] = (byte) Math.max(0, Math.min(255, (int) v));
            }
        }
        return pixels;
    }

    static int labelOf(int item, int classes) {
        return item % classes;
    }

    static String itemId(int item) {
        return "item-" + item;
    }

    /** Sends items [from, to) with labels cycling over {@code classes}. */
    static void send(ImageEventProducer producer, int from, int to, int classes) {
        for (int i = from; i < to; i++) {
            int label = labelOf(i, classes);
            byte[] png = ImageDecoder.encodePng(1, SIZE, SIZE, pixels(label, i));
            producer.sendEvent(CATALOG, itemId(i), ImageEventJson.encode(itemId(i), CATALOG, itemId(i), Integer.toString(label),
                    png, System.currentTimeMillis(), true));
        }
        producer.flush();
    }

    static JobConfig config(String bootstrapServers, String prefix) {
        TrainerSettings trainer = new TrainerSettings(ARCHITECTURE,
                new TrainingConfig("triplet", Float.NaN, "ee", 2, "adam", 3e-3f, 0.9f, 0f), SEED,
                DeviceSpec.parse("cpu"), 15, Duration.ofSeconds(2), 1000, 10);
        EventLimits limits = new EventLimits(EventLimits.DEFAULT_MAX_EVENT_BYTES, EventLimits.DEFAULT_MAX_ID_LENGTH,
                new ImageLimits(EventLimits.DEFAULT_MAX_IMAGE_BYTES, 4096, 4096));
        return new JobConfig(bootstrapServers, new Properties(), Topics.defaults(), prefix + "-group", prefix, limits,
                0.15, BatchPolicy.of(4, 4, SEED).withFreshPerBatch(8), trainer,
                new EmbedderSettings(DeviceSpec.parse("cpu"), 128, Duration.ofMillis(100)), Duration.ofSeconds(1),
                64 * 1024);
    }
}
