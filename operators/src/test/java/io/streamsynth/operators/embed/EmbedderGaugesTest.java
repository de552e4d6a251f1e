package io.streamsynth.operators.embed;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.model.runtime.DeviceSpec;
import io.streamsynth.operators.metrics.RecordedMetrics;
import io.streamsynth.operators.train.Batches;
import io.streamsynth.operators.train.CatalogTrainer;
import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.ItemEmbedding;
import io.streamsynth.operators.types.ModelRelease;
import java.time.Duration;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The embedder's gauges on a subtask that holds two catalogs, read through Flink's metric groups. */
@Timeout(120)
class EmbedderGaugesTest {
    private static final Random RANDOM = new Random(8);

    private static CatalogTrainer shoesTrainer;
    private static CatalogTrainer hatsTrainer;
    private static ModelRelease shoes;
    private static ModelRelease hats;

    @BeforeAll
    static void releases() {
        shoesTrainer = CatalogTrainer.create("shoes", Batches.settings(1), 0);
        shoesTrainer.train(Batches.batch("shoes", 2, 2, RANDOM));
        shoes = shoesTrainer.publish(1);
        hatsTrainer = CatalogTrainer.create("hats", Batches.settings(1), 0);
        hatsTrainer.train(Batches.batch("hats", 2, 2, RANDOM));
        hats = hatsTrainer.publish(1);
    }

    @AfterAll
    static void closeTrainers() {
        shoesTrainer.close();
        hatsTrainer.close();
    }

    private static ImageSample item(String catalog, String id) {
        ImageSample s = new ImageSample();
        s.catalog = catalog;
        s.itemId = id;
        s.label = "class-0";
        s.channels = 1;
        s.height = Batches.SIZE;
        s.width = Batches.SIZE;
        s.pixels = Batches.image(0, RANDOM);
        s.train = true;
        return s;
    }

    /**
     * The embedder keyed by item in Flink's operator harness, on a task metric group that records
     * registrations ({@code KeyedTwoInputStreamOperatorTestHarness} takes no environment).
     */
    private static final class Harness extends AbstractStreamOperatorTestHarness<ItemEmbedding> {
        private final ItemEmbedder embedder;

        Harness(RecordedMetrics metrics) throws Exception {
            this(new ItemEmbedder(new EmbedderSettings(DeviceSpec.parse("cpu"), 8, Duration.ofSeconds(10), 1)),
                    new MockEnvironmentBuilder().setMetricGroup(metrics.taskGroup()).setMaxParallelism(128).build());
        }

        private Harness(ItemEmbedder embedder, MockEnvironment environment) throws Exception {
            super(embedder, environment);
            this.embedder = embedder;
            config.setStatePartitioner(0, (ImageSample s) -> s.itemKey());
            config.setStatePartitioner(1, (ModelRelease r) -> "unused");
            config.setStateKeySerializer(Types.STRING.createSerializer(executionConfig.getSerializerConfig()));
            config.serializeAllConfigs();
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
            assertThat(embedder.pendingRefresh()).as("the passes end").isZero();
        }
    }

    @Test
    void eachCatalogReportsItsStoredItemsAndLagAndTheOperatorTheirSum() throws Exception {
        RecordedMetrics metrics = new RecordedMetrics();
        OperatorSubtaskState snapshot;
        try (Harness h = new Harness(metrics)) {
            h.setup();
            h.open();
            for (int i = 0; i < 3; i++) {
                h.image(item("shoes", "s" + i));
            }
            h.image(item("hats", "h0"));
            h.image(item("hats", "h1"));
            assertThat(metrics.gauge("shoes", "itemsStored")).isEqualTo(3);
            assertThat(metrics.gauge("hats", "itemsStored")).isEqualTo(2);
            assertThat(metrics.gauge("itemsStored")).isEqualTo(5);
            assertThat(metrics.gauge("embeddingLag")).as("no model yet: every item waits for its catalog's first")
                    .isEqualTo(5);

            h.release(shoes);
            assertThat(metrics.gauge("shoes", "embeddingLag")).as("the first pass has yet to run").isEqualTo(3);
            assertThat(metrics.gauge("hats", "embeddingLag")).as("still without a model").isEqualTo(2);
            h.finishPasses();
            assertThat(metrics.gauge("shoes", "embeddingLag")).isZero();

            // hats' pass has not run when a new hat arrives: 2 stored items wait for it, 1 for its batch
            h.release(hats);
            h.image(item("hats", "h2"));
            assertThat(metrics.gauge("hats", "embeddingLag")).isEqualTo(3);
            assertThat(metrics.gauge("shoes", "embeddingLag")).isZero();
            assertThat(metrics.gauge("embeddingLag")).isEqualTo(3);
            assertThat(metrics.gauge("hats", "itemsStored")).isEqualTo(3);

            // a newer image of a stored item stores nothing more; a delete stores one less
            h.image(item("shoes", "s0"));
            h.image(ImageSample.deletion("shoes", "s1", 0, 0));
            assertThat(metrics.gauge("shoes", "itemsStored")).isEqualTo(2);
            assertThat(metrics.gauge("itemsStored")).isEqualTo(2 + 3);
            assertThat(metrics.gauge("embeddingLag")).as("s0 and h2 wait for their batch, h0 and h1 for hats' pass")
                    .isEqualTo(4);
            snapshot = h.snapshot(1L, 1L);
        }

        RecordedMetrics restoredMetrics = new RecordedMetrics();
        try (Harness restored = new Harness(restoredMetrics)) {
            restored.setup();
            restored.initializeState(snapshot);
            restored.open();
            // counted from the restored state before any event arrives
            assertThat(restoredMetrics.gauge("shoes", "itemsStored")).isEqualTo(2);
            assertThat(restoredMetrics.gauge("hats", "itemsStored")).isEqualTo(3);
            assertThat(restoredMetrics.gauge("embeddingLag")).isEqualTo(4);
        }
    }

    @Test
    void itemsWaitingForTheirCatalogsFirstModelStillCountAsLagAfterARestore() throws Exception {
        RecordedMetrics metrics = new RecordedMetrics();
        OperatorSubtaskState snapshot;
        try (Harness h = new Harness(metrics)) {
            h.setup();
            h.open();
            for (int i = 0; i < 4; i++) {
                h.image(item("hats", "h" + i));
            }
            h.image(item("shoes", "s0"));
            h.image(item("shoes", "s1"));
            h.release(shoes);
            h.finishPasses();
            assertThat(metrics.gauge("hats", "embeddingLag")).isEqualTo(4);
            assertThat(metrics.gauge("shoes", "embeddingLag")).isZero();
            snapshot = h.snapshot(1L, 1L);
        }

        RecordedMetrics restoredMetrics = new RecordedMetrics();
        try (Harness restored = new Harness(restoredMetrics)) {
            restored.setup();
            restored.initializeState(snapshot);
            restored.open();
            assertThat(restoredMetrics.gauge("hats", "embeddingLag"))
                    .as("hats has no model: its 4 stored items still wait for the first one").isEqualTo(4);
            assertThat(restoredMetrics.gauge("shoes", "embeddingLag")).as("shoes has its model").isZero();
            assertThat(restoredMetrics.gauge("embeddingLag")).isEqualTo(4);

            // the counts go on from there: one more hat, one deleted, then hats' first model takes them all
            restored.image(item("hats", "h4"));
            restored.image(ImageSample.deletion("hats", "h0", 0, 0));
            assertThat(restoredMetrics.gauge("hats", "embeddingLag")).isEqualTo(4);
            restored.release(hats);
            assertThat(restoredMetrics.gauge("hats", "embeddingLag")).as("the first pass has yet to run").isEqualTo(4);
            restored.finishPasses();
            assertThat(restoredMetrics.gauge("hats", "embeddingLag")).isZero();
            assertThat(restoredMetrics.gauge("embeddingLag")).isZero();
        }
    }
}
