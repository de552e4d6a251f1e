package io.streamsynth.operators.embed;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.model.runtime.DeviceSpec;
import io.streamsynth.operators.train.Batches;
import io.streamsynth.operators.train.CatalogTrainer;
import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.ItemEmbedding;
import io.streamsynth.operators.types.ModelRelease;
import io.streamsynth.operators.types.VersionProgress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The refresh when versions come faster than a pass over the catalog takes (issue 14: degrade
 * gracefully, never fall further behind): a newer version takes over the running pass instead of
 * queueing behind it, so the work waiting is bounded by the stored items whatever the number of
 * versions, and a version superseded before any of its slices ran costs no inference at all.
 */
@Timeout(120)
class RefreshUnderLoadTest {
    private static final Random RANDOM = new Random(14);
    private static final int ITEMS = 10;

    private static CatalogTrainer trainer;
    private static final List<ModelRelease> VERSIONS = new ArrayList<>();

    @BeforeAll
    static void releases() {
        trainer = CatalogTrainer.create("shoes", Batches.settings(1), 0);
        trainer.publishColdStart(0);
        for (int v = 1; v <= 5; v++) {
            trainer.train(Batches.batch("shoes", 2, 2, RANDOM));
            VERSIONS.add(trainer.publish(v));
        }
    }

    @AfterAll
    static void closeTrainer() {
        trainer.close();
    }

    private static ModelRelease version(int v) {
        ModelRelease r = VERSIONS.get(v - 1);
        assertThat(r.version).isEqualTo(v);
        return r;
    }

    private static ImageSample item(int i) {
        ImageSample s = new ImageSample();
        s.catalog = "shoes";
        s.itemId = "item-" + i;
        s.label = "class-" + (i % 2);
        s.channels = 1;
        s.height = Batches.SIZE;
        s.width = Batches.SIZE;
        s.pixels = Batches.image(i % 2, RANDOM);
        s.train = true;
        return s;
    }

    private static int pending(KeyedTwoInputStreamOperatorTestHarness<?, ?, ?, ?> h) {
        return ((ItemEmbedder) h.getOperator()).pendingRefresh();
    }

    /** One millisecond: one slice (here one batch of two items) of the running pass. */
    private static void slice(KeyedTwoInputStreamOperatorTestHarness<?, ?, ?, ?> h) throws Exception {
        h.setProcessingTime(h.getProcessingTime() + 1);
    }

    @Test
    void versionsFasterThanPassesSkipToTheNewestAndTheWorkWaitingNeverGrows() throws Exception {
        var operator = new ItemEmbedder(new EmbedderSettings(DeviceSpec.parse("cpu"), 2, Duration.ofMillis(50), 1));
        try (var h = new KeyedTwoInputStreamOperatorTestHarness<>(operator, ImageSample::itemKey,
                (ModelRelease r) -> "unused", Types.STRING, 128, 1, 0)) {
            h.setup();
            h.open();
            for (int i = 0; i < ITEMS; i++) {
                h.processElement1(item(i), 0);
            }
            List<Integer> waiting = new ArrayList<>();

            h.processElement2(version(1), 0);
            slice(h);
            waiting.add(pending(h));
            // three versions while one slice's worth of time passes: each takes the pass over
            h.processElement2(version(2), 0);
            waiting.add(pending(h));
            h.processElement2(version(3), 0);
            waiting.add(pending(h));
            h.processElement2(version(4), 0);
            waiting.add(pending(h));
            slice(h);
            h.processElement2(version(5), 0);
            waiting.add(pending(h));
            for (int i = 0; i < 100 && pending(h) > 0; i++) {
                slice(h);
            }
            slice(h);

            assertThat(waiting).as("items waiting for a version after each release, never more than stored")
                    .containsExactly(ITEMS - 2, ITEMS, ITEMS, ITEMS, ITEMS);
            List<ItemEmbedding> out = h.extractOutputValues();
            Map<Long, Long> perVersion = out.stream()
                    .collect(Collectors.groupingBy(e -> e.modelVersion, Collectors.counting()));
            assertThat(perVersion).as("embeddings per version: 2 and 3 were superseded before any slice ran")
                    .isEqualTo(Map.of(1L, 2L, 4L, 2L, 5L, (long) ITEMS));
            assertThat(out.stream().filter(e -> e.modelVersion == 5).map(e -> e.itemId).distinct().count())
                    .as("the newest version reaches every item, once").isEqualTo(ITEMS);
            assertThat(out).as("inference for 5 versions of 10 items: the last pass plus two slices")
                    .hasSize(ITEMS + 4);

            var queue = h.getSideOutput(ItemEmbedder.VERSION_PROGRESS);
            List<String> reports = queue.stream().map(StreamRecord::getValue)
                    .map((VersionProgress p) -> p.version + (p.superseded ? " superseded" : " complete")).toList();
            assertThat(reports).containsExactly("1 superseded", "2 superseded", "3 superseded", "4 superseded",
                    "5 complete");
        }
    }
}
