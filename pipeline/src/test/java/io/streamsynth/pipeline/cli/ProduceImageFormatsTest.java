package io.streamsynth.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamsynth.model.data.DecodedImage;
import io.streamsynth.model.data.PixelExtractor;
import io.streamsynth.model.image.ImageSpec;
import io.streamsynth.operators.decode.EventLimits;
import io.streamsynth.operators.decode.HeldOutSelector;
import io.streamsynth.operators.decode.ImageEventParser;
import io.streamsynth.operators.decode.ImageEvent;
import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.pipeline.kafka.EmbeddedKafka;
import io.streamsynth.pipeline.shots.ProductShot;
import io.streamsynth.pipeline.shots.ProductShotRenderer;
import io.streamsynth.pipeline.shots.ShotKind;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code produce --image-folder} sends each file's own bytes, whatever its format, through a real
 * (in-JVM) broker; {@code --re-encode} sends PNGs of the given size instead; {@code --product-shots}
 * and the {@code shots} command render the RGB catalog.
 */
class ProduceImageFormatsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static EmbeddedKafka kafka;

    @TempDir
    static Path data;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = TopicFixtures.startBroker();
        IdxDataset.write(data, 60, 20);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        kafka.close();
    }

    @Test
    void aFolderOfMixedFormatsIsSentByteForByteAndEveryEventDecodes(@TempDir Path folder) throws Exception {
        Map<String, byte[]> files = mixedFormats(folder);
        Files.writeString(folder.resolve("bag/readme.txt"), "not an image");
        String topic = TopicFixtures.newTopic(kafka, "images", 1);

        CommandRun run = CommandRun.of("produce", "--bootstrap-servers", kafka.bootstrapServers(), "--topic", topic,
                "--image-folder", folder.toString(), "--catalog", "products");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("sent " + files.size() + " events");
        assertThat(run.err()).contains("skipped " + folder.resolve("bag/readme.txt"));
        ImageEventParser parser = new ImageEventParser(EventLimits.defaults(), ImageSpec.defaultsFor(3).withSizes(36, 32),
                new HeldOutSelector(0));
        Map<String, byte[]> sent = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicFixtures.readAll(kafka, topic, files.size())) {
            JsonNode event = JSON.readTree(r.value());
            String itemId = event.get(ImageEvent.ITEM_ID).asText();
            sent.put(itemId, Base64.getDecoder().decode(event.get(ImageEvent.IMAGE).asText()));
            ImageSample sample = parser.parse(r.value(), 0);
            assertThat(sample.label).isEqualTo(itemId.substring(0, itemId.indexOf('/')));
            assertThat(sample.channels).as(itemId).isEqualTo(3);
        }
        assertThat(sent.keySet()).containsExactlyInAnyOrderElementsOf(files.keySet());
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            assertThat(sent.get(file.getKey())).as(file.getKey()).isEqualTo(file.getValue());
        }
    }

    @Test
    void reEncodeSendsPngsOfTheGivenChannelsAndSize(@TempDir Path folder) throws Exception {
        mixedFormats(folder);
        String topic = TopicFixtures.newTopic(kafka, "images", 1);

        CommandRun run = CommandRun.of("produce", "--bootstrap-servers", kafka.bootstrapServers(), "--topic", topic,
                "--image-folder", folder.toString(), "--re-encode", "--channels", "3", "--height", "12", "--width",
                "10", "--classes", "coat");

        assertThat(run.exitCode()).as(run.err()).isZero();
        for (ConsumerRecord<byte[], byte[]> r : TopicFixtures.readAll(kafka, topic, 5)) {
            byte[] image = Base64.getDecoder().decode(JSON.readTree(r.value()).get(ImageEvent.IMAGE).asText());
            var decoded = ImageIO.read(new java.io.ByteArrayInputStream(image));
            assertThat(image).startsWith(0x89, 'P', 'N', 'G');
            assertThat(decoded.getWidth()).isEqualTo(10);
            assertThat(decoded.getHeight()).isEqualTo(12);
        }
    }

    @Test
    void reEncodeWithoutAnImageFolderExitsTwo() {
        CommandRun run = CommandRun.of("produce", "--bootstrap-servers", kafka.bootstrapServers(), "--data",
                data.toString(), "--re-encode");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--re-encode", "--image-folder");
    }

    @Test
    void productShotsSendRgbPhotosOfTheFashionMnistItems() throws Exception {
        String topic = TopicFixtures.newTopic(kafka, "images", 1);

        CommandRun run = CommandRun.of("produce", "--bootstrap-servers", kafka.bootstrapServers(), "--topic", topic,
                "--data", data.toString(), "--product-shots", "--catalog", "products", "--limit", "21");

        assertThat(run.exitCode()).as(run.err()).isZero();
        ImageEventParser parser = new ImageEventParser(EventLimits.defaults(), ImageSpec.defaultsFor(3).withSizes(72, 64),
                new HeldOutSelector(0));
        Map<String, Integer> formats = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicFixtures.readAll(kafka, topic, 21)) {
            ImageSample sample = parser.parse(r.value(), 0);
            assertThat(sample.catalog).isEqualTo("products");
            assertThat(sample.itemId).startsWith("train-");
            assertThat(sample.label).isEqualTo(Integer.toString(
                    IdxDataset.label(Integer.parseInt(sample.itemId.substring("train-".length())))));
            byte[] image = Base64.getDecoder().decode(JSON.readTree(r.value()).get(ImageEvent.IMAGE).asText());
            formats.merge(image[0] == (byte) 0x89 ? "png" : image[0] == (byte) 0xFF ? "jpeg" : "other", 1,
                    Integer::sum);
        }
        assertThat(formats).containsKeys("png", "jpeg");
    }

    @Test
    void shotsWritesTheSameClassFoldersForTheSameSeed(@TempDir Path one, @TempDir Path two) throws Exception {
        CommandRun first = CommandRun.of("shots", "--data", data.toString(), "--out", one.toString(), "--classes",
                "1,2", "--seed", "4", "--kinds", "png,Webp,cmyk_jpeg");
        CommandRun again = CommandRun.of("shots", "--data", data.toString(), "--out", two.toString(), "--classes",
                "1,2", "--seed", "4", "--kinds", "png,Webp,cmyk_jpeg");

        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("wrote 12 shots to " + one);
        assertThat(again.exitCode()).as(again.err()).isZero();
        List<Path> written = files(one);
        assertThat(written).hasSize(12).allMatch(p -> p.getName(0).toString().equals("1")
                || p.getName(0).toString().equals("2"));
        for (Path file : written) {
            assertThat(Files.readAllBytes(two.resolve(file))).isEqualTo(Files.readAllBytes(one.resolve(file)));
        }
        assertThat(written).contains(Path.of("1", "train-1." + extensionOf(one, "1", "train-1")));
        assertThat(written).extracting(p -> p.getFileName().toString().replaceAll(".*\\.", ""))
                .containsOnly("png", "webp", "jpg");
    }

    @Test
    void shotsRejectsAnUnknownKindWithExitTwo(@TempDir Path out) {
        CommandRun run = CommandRun.of("shots", "--data", data.toString(), "--out", out.toString(), "--kinds", "tiff");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--kinds", "tiff");
    }

    /**
     * Class folders of every format the job reads: the renderer's seven kinds of shot (coat), and GIF
     * and BMP files the JDK writes (bag). Returns item id to file bytes.
     */
    private static Map<String, byte[]> mixedFormats(Path folder) throws Exception {
        Map<String, byte[]> files = new TreeMap<>();
        DecodedImage garment = garment();
        int index = 0;
        for (ShotKind kind : ShotKind.values()) {
            ProductShot shot = new ProductShotRenderer(1, 24, 48, Set.of(kind)).render("shot-" + kind.ordinal(), "coat",
                    index++, garment);
            files.put("coat/" + shot.fileName(), write(folder.resolve("coat").resolve(shot.fileName()), shot.bytes()));
        }
        for (String format : List.of("gif", "bmp")) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DecodedImage rgb = new DecodedImage(3, 20, 30, new byte[3 * 20 * 30]);
            java.util.Arrays.fill(rgb.pixels(), 0, 600, (byte) 200);
            assertThat(ImageIO.write(PixelExtractor.toImage(rgb), format, bytes)).isTrue();
            files.put("bag/image." + format, write(folder.resolve("bag/image." + format), bytes.toByteArray()));
        }
        return files;
    }

    private static byte[] write(Path file, byte[] bytes) throws Exception {
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
        return bytes;
    }

    private static DecodedImage garment() {
        byte[] p = new byte[28 * 28];
        for (int y = 4; y < 24; y++) {
            for (int x = 6; x < 20; x++) {
                p[y * 28 + x] = (byte) (120 + 4 * y);
            }
        }
        return new DecodedImage(1, 28, 28, p);
    }

    private static List<Path> files(Path root) throws Exception {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
        }
    }

    private static String extensionOf(Path root, String label, String name) throws Exception {
        try (Stream<Path> list = Files.list(root.resolve(label))) {
            String file = list.map(p -> p.getFileName().toString()).filter(f -> f.startsWith(name + "."))
                    .findFirst().orElseThrow();
            return file.substring(file.indexOf('.') + 1);
        }
    }
}
