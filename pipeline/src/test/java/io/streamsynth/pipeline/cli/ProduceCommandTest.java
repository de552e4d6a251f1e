package io.streamsynth.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.model.image.ImageSpec;
import io.streamsynth.operators.decode.EventLimits;
import io.streamsynth.operators.decode.HeldOutSelector;
import io.streamsynth.operators.decode.ImageEventParser;
import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.ItemKey;
import io.streamsynth.pipeline.kafka.EmbeddedKafka;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProduceCommandTest {
    private static EmbeddedKafka kafka;

    @TempDir
    static Path data;

    @BeforeAll
    static void startBrokerAndWriteDataset() throws Exception {
        kafka = TopicFixtures.startBroker();
        IdxDataset.write(data, 200, 40);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        kafka.close();
    }

    @Test
    void sendsTheSelectedClassesUpToTheLimitAsParseableLabelledEvents() throws Exception {
        String topic = TopicFixtures.newTopic(kafka, "images", 1);

        CommandRun run = CommandRun.of("produce", "--bootstrap-servers", kafka.bootstrapServers(), "--topic", topic,
                "--data", data.toString(), "--classes", "0,1,5", "--limit", "50");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("sent 50 events");
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; expected.size() < 50; i++) {
            if (List.of(0, 1, 5).contains(IdxDataset.label(i))) {
                expected.add(i);
            }
        }
        List<ConsumerRecord<byte[], byte[]>> records = TopicFixtures.readAll(kafka, topic, 50);
        assertThat(records).hasSize(50);
        ImageEventParser parser = parser(IdxDataset.SIDE);
        for (int k = 0; k < records.size(); k++) {
            int index = expected.get(k);
            ConsumerRecord<byte[], byte[]> r = records.get(k);
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("[\"fashion\",\"train-" + index + "\"]");
            ImageSample sample = parser.parse(r.value(), 0);
            assertThat(sample.itemId).isEqualTo("train-" + index);
            assertThat(sample.catalog).isEqualTo("fashion");
            assertThat(sample.label).isEqualTo(Integer.toString(IdxDataset.label(index)));
            assertThat(sample.train).isTrue();
            assertThat(sample.pixels).as("PNG is lossless").isEqualTo(IdxDataset.pixels(index));
        }
    }

    @Test
    void trainFalseSendsTheTestSplitAsIndexOnlyItemsThatKeepTheirLabels() throws Exception {
        String topic = TopicFixtures.newTopic(kafka, "images", 2);

        CommandRun run = CommandRun.of("produce", "--bootstrap-servers", kafka.bootstrapServers(), "--topic", topic,
                "--data", data.toString(), "--split", "test", "--train", "false", "--catalog", "shop");

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<ConsumerRecord<byte[], byte[]>> records = TopicFixtures.readAll(kafka, topic, 40);
        assertThat(records).hasSize(40);
        ImageEventParser parser = parser(IdxDataset.SIDE);
        List<String> ids = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            ImageSample sample = parser.parse(r.value(), 0);
            int index = Integer.parseInt(sample.itemId.substring("test-".length()));
            assertThat(sample.train).isFalse();
            assertThat(sample.catalog).isEqualTo("shop");
            assertThat(sample.label).isEqualTo(Integer.toString(IdxDataset.label(index)));
            ids.add(sample.itemId);
        }
        assertThat(ids).hasSize(40).doesNotHaveDuplicates().allMatch(id -> id.startsWith("test-"));
    }

    @Test
    void imageFolderItemsAreNamedClassSlashFileAndLabelledWithTheFolderName(@TempDir Path folder) throws Exception {
        writePng(folder.resolve("boot/a.png"), 16, 40);
        writePng(folder.resolve("boot/b.png"), 16, 80);
        writePng(folder.resolve("sandal/c.png"), 20, 120);
        Files.writeString(folder.resolve("sandal/notes.txt"), "not an image");
        String topic = TopicFixtures.newTopic(kafka, "images", 1);

        CommandRun run = CommandRun.of("produce", "--bootstrap-servers", kafka.bootstrapServers(), "--topic", topic,
                "--image-folder", folder.toString(), "--height", "8", "--width", "8", "--catalog", "shoes");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("sent 3 events");
        ImageEventParser parser = parser(8);
        List<String> seen = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicFixtures.readAll(kafka, topic, 3)) {
            ImageSample sample = parser.parse(r.value(), 0);
            assertThat(r.key()).isEqualTo(ItemKey.encode("shoes", sample.itemId));
            seen.add(sample.itemId + "=" + sample.label);
        }
        assertThat(seen).containsExactly("boot/a.png=boot", "boot/b.png=boot", "sandal/c.png=sandal");
    }

    @Test
    void classesOfAnImageFolderAreItsFolderNames(@TempDir Path folder) throws Exception {
        writePng(folder.resolve("boot/a.png"), 8, 40);
        writePng(folder.resolve("sandal/c.png"), 8, 120);
        String topic = TopicFixtures.newTopic(kafka, "images", 1);

        CommandRun run = CommandRun.of("produce", "--bootstrap-servers", kafka.bootstrapServers(), "--topic", topic,
                "--image-folder", folder.toString(), "--height", "8", "--width", "8", "--classes", "sandal");
        CommandRun unknown = CommandRun.of("produce", "--bootstrap-servers", kafka.bootstrapServers(), "--topic",
                topic, "--image-folder", folder.toString(), "--classes", "sneaker");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(TopicFixtures.readAll(kafka, topic, 1)).extracting(r -> ItemKey.decode(r.key()).orElseThrow().itemId())
                .containsExactly("sandal/c.png");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("--classes", "sneaker", "boot", "sandal");
    }

    @Test
    void rateHoldsTheSendingPace() throws Exception {
        String topic = TopicFixtures.newTopic(kafka, "images", 1);
        long start = System.nanoTime();

        CommandRun run = CommandRun.of("produce", "--bootstrap-servers", kafka.bootstrapServers(), "--topic", topic,
                "--data", data.toString(), "--limit", "21", "--rate", "50");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat((System.nanoTime() - start) / 1e9).as("21 events at 50/s take 0.4 s at least").isGreaterThan(0.39);
    }

    @Test
    void classNumberOutsideFashionMnistExitsTwoNamingTheFlag() {
        CommandRun run = CommandRun.of("produce", "--bootstrap-servers", kafka.bootstrapServers(), "--data",
                data.toString(), "--classes", "3,12");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("error: ").contains("--classes", "12");
    }

    @Test
    void unknownSplitExitsTwoNamingTheFlag() {
        CommandRun run = CommandRun.of("produce", "--bootstrap-servers", kafka.bootstrapServers(), "--data",
                data.toString(), "--split", "validation");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--split", "validation");
    }

    @Test
    void helpDescribesBothSources() {
        CommandRun run = CommandRun.of("produce", "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("--data", "--image-folder", "--classes", "--limit", "--train", "--rate",
                "<split>-<index>", "<class>/<file name>");
    }

    private static ImageEventParser parser(int side) {
        return new ImageEventParser(EventLimits.defaults(), ImageSpec.unchanged(1, side), new HeldOutSelector(0));
    }

    private static void writePng(Path file, int side, int grey) throws Exception {
        Files.createDirectories(file.getParent());
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                image.getRaster().setSample(x, y, 0, (grey + x + y) % 256);
            }
        }
        ImageIO.write(image, "png", file.toFile());
    }
}
