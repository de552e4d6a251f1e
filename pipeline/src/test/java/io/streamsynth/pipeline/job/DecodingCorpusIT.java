package io.streamsynth.pipeline.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.model.data.DecodedImage;
import io.streamsynth.model.data.ImageDecoder;
import io.streamsynth.model.data.PixelExtractor;
import io.streamsynth.model.image.ImageSpec;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.runtime.DeviceSpec;
import io.streamsynth.model.train.TrainingConfig;
import io.streamsynth.operators.kafka.DeadLetterSerializer;
import io.streamsynth.operators.kafka.ImageEventJson;
import io.streamsynth.operators.train.TrainerSettings;
import io.streamsynth.operators.types.ItemEmbedding;
import io.streamsynth.operators.types.ItemKey;
import io.streamsynth.pipeline.kafka.EmbeddedKafka;
import io.streamsynth.pipeline.kafka.ImageEventProducer;
import io.streamsynth.pipeline.kafka.PipelineWatcher;
import io.streamsynth.pipeline.kafka.TopicSetup;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.flink.api.common.JobID;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decoding corpus end to end: an RGB catalog (S = 32, C = 24, JPEG storage, augmentation) on a
 * real in-JVM broker and a MiniCluster. Every image of the model module's corpus (PIL-made files in
 * model/src/test/resources/decode-corpus) is embedded; each malformed one is dead-lettered once with
 * its reason; the job never restarts.
 */
class DecodingCorpusIT {
    private static final String CATALOG = "photos";
    private static final Path CORPUS = Path.of("..", "model", "src", "test", "resources", "decode-corpus");
    private static final List<String> GOOD = List.of("baseline.jpg", "progressive.jpg", "cmyk.jpg", "exif6.jpg",
            "exif8.jpg", "grey16.png", "palette_trns.png", "transparent_rgba.png", "rgba.png", "grey_alpha.png",
            "lossy.webp", "lossless.webp", "animated.gif", "image.bmp");
    private static final ImageSpec SPEC = new ImageSpec(3, 32, 24, ImageSpec.IMAGENET_MEAN, ImageSpec.IMAGENET_STD,
            ImageSpec.WHITE, true, 90);
    private static final int CLASSES = 4;
    private static final int PER_CLASS = 8;

    @TempDir
    Path dir;

    @Test
    @Timeout(300)
    void everyFormatIsEmbeddedAndEveryMalformedImageDeadLetteredOnceWithoutARestart() throws Exception {
        JobMetrics metrics = new JobMetrics();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            JobConfig config = config(kafka.bootstrapServers());
            kafka.createTopics(TopicSetup.topics(config.topics(), 2));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(
                    metrics.addTo(FlinkEnvironments.stateConfig(dir.resolve("checkpoints"))));
            env.setParallelism(1);
            StreamsynthJob.build(env, config);
            LocalJobRunner job = LocalJobRunner.start(env, "decoding-corpus");
            JobID id = job.jobId();
            try (ImageEventProducer producer = new ImageEventProducer(kafka.bootstrapServers(), new Properties(),
                    config.topics().images());
                    PipelineWatcher watcher = new PipelineWatcher(kafka.bootstrapServers(), new Properties(),
                            config.topics())) {
                Random random = new Random(5);
                for (int i = 0; i < CLASSES * PER_CLASS; i++) {
                    send(producer, "train-" + i, Integer.toString(i % CLASSES), colouredBars(i % CLASSES, random));
                }
                Map<String, byte[]> good = new LinkedHashMap<>();
                for (String name : GOOD) {
                    good.put(name, Files.readAllBytes(CORPUS.resolve(name)));
                }
                good.put("one-pixel.png", ImageDecoder.encodePng(3, 1, 1, new byte[] {10, 20, 30}));
                byte[] white = new byte[3 * 32 * 48];
                Arrays.fill(white, (byte) 255);
                good.put("white.png", ImageDecoder.encodePng(3, 32, 48, white));
                Map<String, String> bad = new LinkedHashMap<>();
                Map<String, byte[]> badBytes = new LinkedHashMap<>();
                badBytes.put("truncated.jpg", truncatedJpeg());
                bad.put("truncated.jpg", "truncated_image");
                badBytes.put("60000x60000.png", BadInputCorpus.pngHeaderOnly(60_000, 60_000));
                bad.put("60000x60000.png", "image_dimensions_too_large");
                byte[] crc = ImageDecoder.encodePng(3, 8, 8, new byte[3 * 64]);
                crc[29] ^= 0x01;
                badBytes.put("bad-crc.png", crc);
                bad.put("bad-crc.png", "corrupt_image");
                badBytes.put("10000x10.png", ImageDecoder.encodePng(1, 10, 10_000, new byte[100_000]));
                bad.put("10000x10.png", "image_dimensions_too_large");
                good.forEach((name, bytes) -> send(producer, name, null, bytes));
                badBytes.forEach((name, bytes) -> send(producer, name, null, bytes));
                producer.flush();

                int items = CLASSES * PER_CLASS + good.size();
                long newest = Waiting.untilQuietAndEmbedded(watcher, items, Duration.ofSeconds(200));
                long deadline = System.currentTimeMillis() + 30_000;
                while (watcher.deadLetters() < bad.size() && System.currentTimeMillis() < deadline) {
                    watcher.poll(Duration.ofMillis(300));
                }

                Map<String, ItemEmbedding> embedded = watcher.newestEmbeddings();
                for (String name : good.keySet()) {
                    assertThat(embedded).as("embedding of %s", name).containsKey(ItemKey.asString(CATALOG, name));
                    assertThat(embedded.get(ItemKey.asString(CATALOG, name)).modelVersion).isEqualTo(newest);
                }
                // fully transparent pixels composited onto white are white: the same input, the same vector
                assertThat(embedded.get(ItemKey.asString(CATALOG, "transparent_rgba.png")).vector).containsExactly(
                        embedded.get(ItemKey.asString(CATALOG, "white.png")).vector,
                        org.assertj.core.data.Offset.offset(1e-5f));
                assertThat(watcher.deadLetters()).isEqualTo(bad.size());
                for (ConsumerRecord<byte[], byte[]> letter : watcher.deadLetterRecords()) {
                    String key = new String(letter.key(), StandardCharsets.UTF_8);
                    assertThat(bad).containsKey(key);
                    assertThat(new String(letter.headers().lastHeader(DeadLetterSerializer.REASON).value(),
                            StandardCharsets.UTF_8)).as("reason of %s", key).isEqualTo(bad.get(key));
                }
                assertThat(watcher.deadLetterRecords()).extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                        .doesNotHaveDuplicates();
                assertThat(metrics.job(id, "numRestarts")).isZero();
                // grey16 and grey_alpha are grey files in an RGB catalog
                assertThat(metrics.operator(id, "decode+validate", "channelsConverted")).isEqualTo(2);
            } finally {
                job.close();
            }
        }
    }

    private static void send(ImageEventProducer producer, String item, String label, byte[] image) {
        producer.sendRaw(item, ImageEventJson.encode(item, CATALOG, item, label, image, System.currentTimeMillis(),
                label != null));
    }

    /** A 40 x 30 RGB PNG: a bar of a class-specific colour and place on noise. */
    private static byte[] colouredBars(int label, Random random) {
        int h = 30;
        int w = 40;
        byte[] p = new byte[3 * h * w];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    boolean bar = Math.abs(y - (5 + 6 * label)) <= 2;
                    int v = bar ? (c == label % 3 ? 230 : 40) : 120;
                    p[(c * h + y) * w + x] = (byte) Math.max(0, Math.min(255, v + (int) (25 * random.nextGaussian())));
                }
            }
        }
        return ImageDecoder.encodePng(3, h, w, p);
    }

    private static byte[] truncatedJpeg() throws Exception {
        byte[] pixels = new byte[3 * 64 * 64];
        new Random(5).nextBytes(pixels);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(PixelExtractor.toImage(new DecodedImage(3, 64, 64, pixels)), "jpeg", out);
        byte[] jpeg = out.toByteArray();
        return Arrays.copyOf(jpeg, jpeg.length * 3 / 4);
    }

    private static JobConfig config(String bootstrapServers) {
        JobConfig c = GeneratedCatalog.config(bootstrapServers, "decoding-corpus");
        JobConfigBuilder rgb = c.toBuilder();
        rgb.catalog().channels(3).resize(SPEC.resize()).crop(SPEC.crop()).mean(SPEC.mean()).std(SPEC.std())
                .background(SPEC.background()).augment(SPEC.augment()).storeQuality(SPEC.storeQuality())
                .architecture(Architecture.Kind.CNN).embeddingSize(16).baseFilters(8);
        return rgb.build();
    }
}
