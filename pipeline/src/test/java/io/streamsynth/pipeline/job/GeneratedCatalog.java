package io.streamsynth.pipeline.job;

import io.streamsynth.model.data.ImageDecoder;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.runtime.DeviceSpec;
import io.streamsynth.operators.kafka.ImageEventJson;
import io.streamsynth.pipeline.kafka.ImageEventProducer;
import java.time.Duration;
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
        JobConfigBuilder job = JobConfig.builder(bootstrapServers).groupId(prefix + "-group")
                .transactionalIdPrefix(prefix).maxImageSide(4096).seed(SEED).device(DeviceSpec.parse("cpu"))
                .freshPerBatch(8).heldOutCapacity(1000).embedBatchSize(128).embedMaxDelay(Duration.ofMillis(100))
                .checkpointInterval(Duration.ofSeconds(1)).checkpointChunkBytes(64 * 1024);
        job.catalog().network(ARCHITECTURE, null).classesPerBatch(4).samplesPerClass(4).publishEverySteps(15)
                .publishInterval(Duration.ofSeconds(2)).heldOutShare(0.15)
                .training().loss("triplet").synthesis("ee").learningRate(3e-3f);
        return job.build();
    }
}
