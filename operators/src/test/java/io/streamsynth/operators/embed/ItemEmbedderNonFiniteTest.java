package io.streamsynth.operators.embed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamsynth.model.checkpoint.Tensor;
import io.streamsynth.model.runtime.DeviceSpec;
import io.streamsynth.operators.metrics.RecordedMetrics;
import io.streamsynth.operators.train.Batches;
import io.streamsynth.operators.train.CatalogTrainer;
import io.streamsynth.operators.types.DeadLetter;
import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.ItemEmbedding;
import io.streamsynth.operators.types.ItemKey;
import io.streamsynth.operators.types.ModelRelease;
import io.streamsynth.operators.types.VersionProgress;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A served model that embeds one item to NaN: the item is dead-lettered, not published, and left out of
 * the version's live items, while every other item is embedded as usual. The model is the real small CNN
 * of a trainer's release with its first convolution and batch norm set by hand so that float32 overflows
 * on a bright image only: every conv1 weight is 5e37, so a 3x3 window of pixels summing to s (pixels in
 * [0, 1]) gives 5e37 x s, finite up to s = 6.8 and infinite for an all-white window (s = 9); bn1 scales by
 * 1e-37 back to ordinary sizes, so the dim images (pixels at most 150/255, s at most 5.3) embed finitely,
 * and the white one's infinities meet conv2's weights of both signs (inf - inf = NaN).
 */
@Timeout(120)
class ItemEmbedderNonFiniteTest {
    private static final String CATALOG = "shoes";
    private static final Random RANDOM = new Random(21);
    private static final float CONV1_WEIGHT = 5e37f;
    private static final float BN1_SCALE = 1e-37f;

    private static CatalogTrainer trainer;
    /** Overflows on a white image. */
    private static ModelRelease v1;
    /** The trained weights as they were: embeds every image finitely. */
    private static ModelRelease v2;

    @BeforeAll
    static void releases() {
        trainer = CatalogTrainer.create(CATALOG, Batches.settings(1), 0);
        trainer.publishColdStart(0); // version 0; the test starts at 1
        trainer.train(Batches.batch(CATALOG, 2, 2, RANDOM));
        Map<String, Tensor> trained = trainer.model().exportWeights();
        trainer.model().importWeights(overflowingOnWhite(trained));
        v1 = trainer.publish(1);
        trainer.model().importWeights(trained);
        v2 = trainer.publish(2);
    }

    @AfterAll
    static void closeTrainer() {
        trainer.close();
    }

    private static Map<String, Tensor> overflowingOnWhite(Map<String, Tensor> trained) {
        assertThat(trained).containsKeys("conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean",
                "bn1.running_var");
        Map<String, Tensor> w = new HashMap<>(trained);
        w.put("conv1.weight", filled(trained.get("conv1.weight"), CONV1_WEIGHT));
        w.put("bn1.weight", filled(trained.get("bn1.weight"), BN1_SCALE));
        w.put("bn1.bias", filled(trained.get("bn1.bias"), 0f));
        w.put("bn1.running_mean", filled(trained.get("bn1.running_mean"), 0f));
        w.put("bn1.running_var", filled(trained.get("bn1.running_var"), 1f));
        return w;
    }

    private static Tensor filled(Tensor like, float value) {
        float[] data = new float[like.data().length];
        Arrays.fill(data, value);
        return new Tensor(like.shape(), data);
    }

    /** An item whose pixels lie in [0, 150]: finite under v1. */
    private static ImageSample dim(String id) {
        byte[] pixels = new byte[Batches.SIZE * Batches.SIZE];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) RANDOM.nextInt(151);
        }
        return item(id, pixels);
    }

    /** An all-white item: NaN under v1. */
    private static ImageSample white(String id) {
        byte[] pixels = new byte[Batches.SIZE * Batches.SIZE];
        Arrays.fill(pixels, (byte) 255);
        return item(id, pixels);
    }

    private static ImageSample item(String id, byte[] pixels) {
        ImageSample s = new ImageSample();
        s.catalog = CATALOG;
        s.itemId = id;
        s.label = "class-0";
        s.channels = 1;
        s.height = Batches.SIZE;
        s.width = Batches.SIZE;
        s.pixels = pixels;
        s.eventTime = 1_767_225_600_000L;
        s.train = true;
        return s;
    }

    /**
     * The embedder keyed by item in Flink's operator harness on RocksDB, with a task metric group that
     * records registrations; batches of two, one batch per slice.
     */
    private static final class Harness extends AbstractStreamOperatorTestHarness<ItemEmbedding> {
        private final ItemEmbedder embedder;

        Harness(RecordedMetrics metrics) throws Exception {
            this(new ItemEmbedder(new EmbedderSettings(DeviceSpec.parse("cpu"), 2, Duration.ofMillis(50), 1)),
                    new MockEnvironmentBuilder().setMetricGroup(metrics.taskGroup()).setMaxParallelism(128).build());
        }

        private Harness(ItemEmbedder embedder, MockEnvironment environment) throws Exception {
            super(embedder, environment);
            this.embedder = embedder;
            config.setStatePartitioner(0, (ImageSample s) -> s.itemKey());
            config.setStatePartitioner(1, (ModelRelease r) -> "release");
            config.setStateKeySerializer(Types.STRING.createSerializer(executionConfig.getSerializerConfig()));
            config.serializeAllConfigs();
            setStateBackend(new EmbeddedRocksDBStateBackend());
        }

        void image(ImageSample s) throws Exception {
            StreamRecord<ImageSample> record = new StreamRecord<>(s, 0L);
            embedder.setKeyContextElement1(record);
            embedder.processElement1(record);
        }

        void release(ModelRelease r) throws Exception {
            StreamRecord<ModelRelease> record = new StreamRecord<>(r, 0L);
            embedder.setKeyContextElement2(record);
            embedder.processElement2(record);
        }

        void finishPasses() throws Exception {
            for (int i = 0; i < 100 && embedder.pendingRefresh() > 0; i++) {
                setProcessingTime(getProcessingTime() + 1);
            }
            setProcessingTime(getProcessingTime() + 1);
            assertThat(embedder.pendingRefresh()).as("the passes end").isZero();
        }

        /** Runs the clock far ahead: the waiting batch's delay and any slice or timer are due. */
        void idle() throws Exception {
            for (int i = 0; i < 5; i++) {
                setProcessingTime(getProcessingTime() + 1000);
            }
        }

        List<String> published() {
            return extractOutputValues().stream().filter(e -> !e.deleted)
                    .map(e -> e.itemId + "@" + e.modelVersion).toList();
        }

        List<DeadLetter> deadLetters() {
            var queue = getSideOutput(ItemEmbedder.DEAD_LETTERS);
            return queue == null ? List.of() : queue.stream().map(StreamRecord::getValue).toList();
        }

        List<VersionProgress> reports() {
            var queue = getSideOutput(ItemEmbedder.VERSION_PROGRESS);
            return queue == null ? List.of() : queue.stream().map(StreamRecord::getValue).toList();
        }

        /** The one complete report of a version (one subtask holds every key group). */
        VersionProgress complete(long version) {
            List<VersionProgress> of = reports().stream().filter(p -> p.version == version).toList();
            assertThat(of).hasSize(1);
            assertThat(of.get(0).superseded).isFalse();
            return of.get(0);
        }
    }

    private static long live(VersionProgress p) {
        return Arrays.stream(p.liveItems).asLongStream().sum();
    }

    private static List<String> at(long version, String... ids) {
        return Arrays.stream(ids).map(id -> id + "@" + version).toList();
    }

    @Test
    void theModelOverflowsOnTheWhiteImageOnly() {
        var model = trainer.model();
        int per = Batches.SIZE * Batches.SIZE;
        float[] pixels = new float[2 * per];
        Arrays.fill(pixels, per, 2 * per, 1f);
        for (int i = 0; i < per; i++) {
            pixels[i] = 150 / 255f;
        }
        trainer.model().importWeights(overflowingOnWhite(model.exportWeights()));
        float[][] out = model.embed(pixels, 2);
        assertThat(NonFiniteEmbeddings.problem(out[0])).as("the brightest dim image").isNull();
        assertThat(NonFiniteEmbeddings.problem(out[1])).startsWith("8 of 8 values are not finite");
    }

    @Test
    void anItemEmbeddedToNaNIsDeadLetteredOnceWhileThePassEmbedsTheOthersAndTheVersionCompletesWithoutIt()
            throws Exception {
        RecordedMetrics metrics = new RecordedMetrics();
        try (Harness h = new Harness(metrics)) {
            h.setup();
            h.open();
            for (int i = 0; i < 5; i++) {
                h.image(dim("d" + i));
            }
            ImageSample odd = white("odd");
            h.image(odd);
            h.release(v1);
            h.finishPasses();
            h.idle();

            assertThat(h.published()).containsExactlyInAnyOrderElementsOf(at(1, "d0", "d1", "d2", "d3", "d4"));
            assertThat(h.extractOutputValues()).allSatisfy(e -> assertThat(NonFiniteEmbeddings.problem(e.vector)).isNull());
            assertThat(h.deadLetters()).as("once: the pass does not try the item again").hasSize(1);
            DeadLetter letter = h.deadLetters().get(0);
            assertThat(letter.reason).isEqualTo("non_finite_embedding");
            assertThat(letter.detail).isEqualTo("model version 1 of catalog 'shoes' embedded item 'odd' (image "
                    + "revision 1) to 8 of 8 values are not finite (first at index 0: NaN); not published");
            assertThat(letter.source).isEqualTo("embedder");
            assertThat(letter.timestamp).isEqualTo(odd.eventTime);
            assertThat(letter.key).isEqualTo(ItemKey.encode(CATALOG, "odd"));
            assertStoredImageEvent(letter.value, odd);
            assertThat(metrics.count("nonFiniteEmbeddings")).isEqualTo(1);
            assertThat(metrics.count("embeddingsOut")).isEqualTo(5);

            VersionProgress report = h.complete(1);
            assertThat(live(report)).as("the odd item is stored but has no record at version 1").isEqualTo(5);
            assertThat(report.embedded).isEqualTo(5);
        }
    }

    @Test
    void aVersionThatEmbedsTheItemFinitelyPublishesItAndCountsItAgain() throws Exception {
        RecordedMetrics metrics = new RecordedMetrics();
        try (Harness h = new Harness(metrics)) {
            h.setup();
            h.open();
            h.image(dim("d0"));
            h.image(white("odd"));
            h.release(v1);
            h.finishPasses();
            assertThat(live(h.complete(1))).isEqualTo(1);

            h.release(v2);
            h.finishPasses();
            h.idle();
            assertThat(h.published()).containsExactlyInAnyOrder("d0@1", "d0@2", "odd@2");
            assertThat(h.deadLetters()).hasSize(1);
            VersionProgress report = h.complete(2);
            assertThat(live(report)).isEqualTo(2);
            assertThat(report.embedded).isEqualTo(2);
        }
    }

    @Test
    void onArrivalTooTheItemIsDeadLetteredAndANewImageThatEmbedsFinitelyCountsAgainEvenAfterARestore()
            throws Exception {
        OperatorSubtaskState snapshot;
        try (Harness h = new Harness(new RecordedMetrics())) {
            h.setup();
            h.open();
            for (int i = 0; i < 6; i++) {
                h.image(dim("d" + i));
            }
            h.release(v1);
            // before the pass's first slice: two new items fill a batch and are embedded on arrival
            h.image(white("odd"));
            h.image(dim("late"));
            assertThat(h.published()).containsExactly("late@1");
            assertThat(h.deadLetters()).extracting(l -> l.detail).singleElement().asString()
                    .contains("item 'odd' (image revision 1)");
            // the pass has not run yet: its state (the odd item's mark too) goes into the snapshot
            snapshot = h.snapshot(1L, 1L);
        }

        RecordedMetrics metrics = new RecordedMetrics();
        try (Harness restored = new Harness(metrics)) {
            restored.setup();
            restored.initializeState(snapshot);
            restored.open();
            restored.finishPasses();
            restored.idle();
            assertThat(restored.published()).containsExactlyInAnyOrderElementsOf(
                    at(1, "d0", "d1", "d2", "d3", "d4", "d5"));
            assertThat(live(restored.complete(1))).as("6 from the pass and 'late'; not 'odd'").isEqualTo(7);

            // the same item with an image v1 embeds finitely: published, and at the next version counted
            restored.image(dim("odd"));
            restored.idle();
            assertThat(restored.published()).contains("odd@1");
            assertThat(metrics.count("nonFiniteEmbeddings")).isZero();
            restored.release(v2);
            restored.finishPasses();
            assertThat(live(restored.complete(2))).isEqualTo(8);
        }
    }

    @Test
    void theMarkIsKeyedStateThatARestoreReadsBackAndADeleteRemoves() throws Exception {
        OperatorSubtaskState marked;
        OperatorSubtaskState deleted;
        try (Harness h = new Harness(new RecordedMetrics())) {
            h.setup();
            h.open();
            h.image(dim("d0"));
            h.image(white("odd"));
            h.release(v1);
            h.finishPasses();
            assertThat(h.embedder.unpublishedItems()).isEqualTo(1);
            marked = h.snapshot(1L, 1L);
            h.image(ImageSample.deletion(CATALOG, "odd", 0, 0));
            assertThat(h.embedder.unpublishedItems()).isZero();
            deleted = h.snapshot(2L, 2L);
        }
        try (Harness restored = new Harness(new RecordedMetrics())) {
            restored.setup();
            restored.initializeState(marked);
            restored.open();
            assertThat(restored.embedder.unpublishedItems()).isEqualTo(1);
        }
        try (Harness restored = new Harness(new RecordedMetrics())) {
            restored.setup();
            restored.initializeState(deleted);
            restored.open();
            assertThat(restored.embedder.unpublishedItems()).as("the delete cleared the item's mark").isZero();
            // a new life of the item starts clean: overflowing again is dead-lettered at revision 1 again
            restored.image(white("odd"));
            restored.idle();
            assertThat(restored.deadLetters()).extracting(l -> l.detail).singleElement().asString()
                    .contains("item 'odd' (image revision 1)");
        }
    }

    /** The dead letter's value is an image event of the stored image (a PNG of its exact pixels). */
    private static void assertStoredImageEvent(byte[] value, ImageSample stored) throws Exception {
        JsonNode event = new ObjectMapper().readTree(value);
        assertThat(event.get("schema_version").asInt()).isEqualTo(1);
        assertThat(event.get("catalog").asText()).isEqualTo(CATALOG);
        assertThat(event.get("item_id").asText()).isEqualTo(stored.itemId);
        assertThat(event.get("label").asText()).isEqualTo(stored.label);
        assertThat(event.get("event_time").asLong()).isEqualTo(stored.eventTime);
        assertThat(event.has("event_id")).isFalse();
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(event.get("image").binaryValue()));
        assertThat(png.getWidth()).isEqualTo(Batches.SIZE);
        assertThat(png.getHeight()).isEqualTo(Batches.SIZE);
        int[] samples = png.getRaster().getSamples(0, 0, Batches.SIZE, Batches.SIZE, 0, (int[]) null);
        assertThat(samples).hasSize(Batches.SIZE * Batches.SIZE).containsOnly(255);
    }
}
