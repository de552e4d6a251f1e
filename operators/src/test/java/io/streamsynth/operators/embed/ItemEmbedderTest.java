package io.streamsynth.operators.embed;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.model.runtime.DeviceSpec;
import io.streamsynth.operators.train.Batches;
import io.streamsynth.operators.train.CatalogTrainer;
import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.ItemEmbedding;
import io.streamsynth.operators.types.ModelRelease;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class ItemEmbedderTest {
    private static final Random RANDOM = new Random(4);

    private static ImageSample item(String id, int label) {
        ImageSample s = new ImageSample();
        s.catalog = "shoes";
        s.itemId = id;
        s.label = "class-" + label;
        s.channels = 1;
        s.height = Batches.SIZE;
        s.width = Batches.SIZE;
        s.pixels = Batches.image(label, RANDOM);
        s.train = true;
        return s;
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, ImageSample, ModelRelease, ItemEmbedding> harness(
            int batchSize) throws Exception {
        var operator = new CoBroadcastWithKeyedOperator<>(
                new ItemEmbedder(new EmbedderSettings(DeviceSpec.parse("cpu"), batchSize, Duration.ofMillis(50))),
                List.of(ItemEmbedder.MODELS));
        var h = new KeyedTwoInputStreamOperatorTestHarness<>(operator, ImageSample::itemKey, r -> "unused",
                Types.STRING);
        h.setup();
        h.open();
        return h;
    }

    @Test
    void embedsStoredItemsOnTheFirstVersionThenNewItemsInBatchesThenReembedsOnTheNext() throws Exception {
        try (CatalogTrainer trainer = CatalogTrainer.create("shoes", Batches.settings(1), 0);
                var h = harness(3)) {
            for (int i = 0; i < 4; i++) {
                h.processElement1(item("a" + i, i % 2), 0);
            }
            assertThat(h.extractOutputValues()).as("no model yet, nothing to embed with").isEmpty();

            trainer.train(Batches.batch("shoes", 2, 2, RANDOM));
            ModelRelease v1 = trainer.publish(1);
            h.processElement2(v1, 0);
            assertThat(h.extractOutputValues()).extracting(e -> e.itemId + "@" + e.modelVersion)
                    .containsExactlyInAnyOrder("a0@1", "a1@1", "a2@1", "a3@1");

            h.processElement1(item("b0", 0), 0);
            h.processElement1(item("b1", 1), 0);
            assertThat(h.extractOutputValues()).as("two new items wait for a batch of three").hasSize(4);
            h.processElement1(item("b2", 0), 0);
            assertThat(h.extractOutputValues()).hasSize(7);

            h.processElement1(item("c0", 1), 0);
            h.setProcessingTime(1000); // the batch's delay has passed: embedded alone
            assertThat(h.extractOutputValues()).hasSize(8);

            trainer.train(Batches.batch("shoes", 2, 2, RANDOM));
            ModelRelease v2 = trainer.publish(2);
            h.processElement2(v2, 0);
            h.processElement2(v1, 0); // a stale version changes nothing
            List<ItemEmbedding> out = h.extractOutputValues();
            assertThat(out).hasSize(16);
            assertThat(out.subList(8, 16)).allSatisfy(e -> assertThat(e.modelVersion).isEqualTo(2));
            assertThat(out.subList(8, 16)).extracting(e -> e.itemId)
                    .containsExactlyInAnyOrder("a0", "a1", "a2", "a3", "b0", "b1", "b2", "c0");
            assertThat(out.get(0).vector).hasSize(Batches.ARCHITECTURE.embeddingSize());
        }
    }

    @Test
    void itemsWaitingForTheirBatchSurviveASnapshot() throws Exception {
        try (CatalogTrainer trainer = CatalogTrainer.create("shoes", Batches.settings(1), 0)) {
            trainer.train(Batches.batch("shoes", 2, 2, RANDOM));
            ModelRelease v1 = trainer.publish(1);
            org.apache.flink.runtime.checkpoint.OperatorSubtaskState snapshot;
            try (var h = harness(10)) {
                h.processElement2(v1, 0);
                h.processElement1(item("x", 0), 0);
                h.processElement1(item("y", 1), 0);
                snapshot = h.snapshot(1, 1);
                assertThat(h.extractOutputValues()).isEmpty();
            }
            var operator = new CoBroadcastWithKeyedOperator<>(
                    new ItemEmbedder(new EmbedderSettings(DeviceSpec.parse("cpu"), 10, Duration.ofMillis(50))),
                    List.of(ItemEmbedder.MODELS));
            try (var restored = new KeyedTwoInputStreamOperatorTestHarness<>(operator, ImageSample::itemKey,
                    (ModelRelease r) -> "unused", Types.STRING)) {
                restored.setup();
                restored.initializeState(snapshot);
                restored.open();
                restored.setProcessingTime(1000);
                assertThat(restored.extractOutputValues()).extracting(e -> e.itemId + "@" + e.modelVersion)
                        .containsExactlyInAnyOrder("x@1", "y@1");
            }
        }
    }
}
