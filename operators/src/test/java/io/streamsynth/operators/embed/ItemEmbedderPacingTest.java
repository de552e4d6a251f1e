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
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Paced refresh (issue 14, part 1): after a pass that took D, the next starts k x D after it ended; a
 * version promoted meanwhile waits, the newest only, and still reaches every item (also across a restore).
 */
@Timeout(120)
class ItemEmbedderPacingTest {
    private static final Random RANDOM = new Random(41);
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
        return VERSIONS.get(v - 1);
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

    /** Batches of 2, one batch per slice (one slice per millisecond of harness time), pause factor 1. */
    private static KeyedTwoInputStreamOperatorTestHarness<String, ImageSample, ModelRelease, ItemEmbedding> harness()
            throws Exception {
        EmbedderSettings settings = new EmbedderSettings(DeviceSpec.parse("cpu"), 2, Duration.ofMillis(50), 1)
                .withRefreshPauseFactor(1);
        return new KeyedTwoInputStreamOperatorTestHarness<>(new ItemEmbedder(settings), ImageSample::itemKey,
                (ModelRelease r) -> "unused", Types.STRING, 128, 1, 0);
    }

    private static void at(KeyedTwoInputStreamOperatorTestHarness<?, ?, ?, ?> h, long until) throws Exception {
        while (h.getProcessingTime() < until) {
            h.setProcessingTime(h.getProcessingTime() + 1);
        }
    }

    /** Opens the harness at time 0, stores {@link #ITEMS} items, then serves version 1 (its pass starts). */
    private static void storeItemsThenServeVersion1(KeyedTwoInputStreamOperatorTestHarness<String, ImageSample,
            ModelRelease, ItemEmbedding> h) throws Exception {
        h.setup();
        h.open();
        h.setProcessingTime(0);
        for (int i = 0; i < ITEMS; i++) {
            h.processElement1(item(i), 0);
        }
        h.processElement2(version(1), 0);
    }

    private static Map<Long, Long> perVersion(List<ItemEmbedding> out) {
        return out.stream().collect(Collectors.groupingBy(e -> e.modelVersion, Collectors.counting()));
    }

    private static List<String> reports(KeyedTwoInputStreamOperatorTestHarness<?, ?, ?, ?> h) {
        return h.getSideOutput(ItemEmbedder.VERSION_PROGRESS).stream().map(StreamRecord::getValue)
                .map((VersionProgress p) -> p.version + (p.superseded ? " superseded" : " complete")).toList();
    }

    @Test
    void aVersionWaitsForThePauseAfterThePassANewerOneReplacesItAndTheNewestReachesEveryItem() throws Exception {
        try (var h = harness()) {
            storeItemsThenServeVersion1(h); // the first model never waits: 5 slices, 1 ms to 5 ms
            at(h, 5);
            assertThat(perVersion(h.extractOutputValues())).isEqualTo(Map.of(1L, (long) ITEMS));

            at(h, 6);
            h.processElement2(version(2), 6); // 5 ms pass: no pass before 10 ms
            at(h, 7);
            h.processElement2(version(3), 7); // replaces version 2, which never ran here
            at(h, 9);
            assertThat(perVersion(h.extractOutputValues())).as("nothing re-embedded during the pause")
                    .isEqualTo(Map.of(1L, (long) ITEMS));
            at(h, 12);
            h.processElement2(version(4), 12); // the pass of version 3 runs (10 ms to 15 ms): 4 waits for it
            h.processElement1(item(ITEMS), 12); // new items are embedded at once, with the served version
            h.processElement1(item(ITEMS + 1), 12);
            at(h, 13);
            h.processElement2(version(5), 13); // replaces 4 while 3's pass runs: 4 is reported after 3
            at(h, 19);
            assertThat(perVersion(h.extractOutputValues())).as("version 5 waits for the pause after 3's pass")
                    .isEqualTo(Map.of(1L, (long) ITEMS, 3L, (long) ITEMS + 2));
            at(h, 40);

            List<ItemEmbedding> out = h.extractOutputValues();
            assertThat(perVersion(out)).isEqualTo(Map.of(1L, (long) ITEMS, 3L, (long) ITEMS + 2, 5L,
                    (long) ITEMS + 2));
            assertThat(out.stream().filter(e -> e.modelVersion == 5).map(e -> e.itemId).distinct().count())
                    .as("the newest version reaches every item, once").isEqualTo(ITEMS + 2);
            // the markers settle every version up to a superseded one: 3's report must come before 4's
            assertThat(reports(h)).containsExactly("1 complete", "2 superseded", "3 complete", "4 superseded",
                    "5 complete");
        }
    }

    @Test
    void aWaitingVersionSurvivesARestoreAndIsServed() throws Exception {
        OperatorSubtaskState checkpoint;
        try (var h = harness()) {
            storeItemsThenServeVersion1(h);
            at(h, 6);
            h.processElement2(version(2), 6);
            checkpoint = h.snapshot(1, 6);
            assertThat(perVersion(h.extractOutputValues())).isEqualTo(Map.of(1L, (long) ITEMS));
        }
        try (var h = harness()) {
            h.setup();
            h.initializeState(checkpoint);
            h.open();
            h.setProcessingTime(100);
            at(h, 120);
            List<ItemEmbedding> out = h.extractOutputValues();
            assertThat(perVersion(out)).as("the restored job serves the version that waited")
                    .isEqualTo(Map.of(2L, (long) ITEMS));
            assertThat(reports(h)).containsExactly("2 complete");
        }
    }

    /**
     * A restored waiting version is served at once to the key groups that were not served it before the
     * checkpoint (here all), taking the restored pass over: no item is embedded at the older version after the
     * restore. Rescales where another subtask had served it: {@link ItemEmbedderPacedRescaleTest}.
     */
    @Test
    void aWaitingVersionRestoredMidPassIsServedAtOnce() throws Exception {
        OperatorSubtaskState checkpoint;
        try (var h = harness()) {
            storeItemsThenServeVersion1(h); // the pass of version 1: one batch of 2 a millisecond
            at(h, 2);
            h.processElement2(version(2), 2); // waits for the pass
            checkpoint = h.snapshot(1, 2);
            assertThat(perVersion(h.extractOutputValues())).isEqualTo(Map.of(1L, 4L));
        }
        try (var h = harness()) {
            h.setup();
            h.initializeState(checkpoint);
            h.open();
            h.setProcessingTime(100);
            h.processElement1(item(0), 100); // new images of two stored items: one full batch
            h.processElement1(item(ITEMS - 1), 100);
            at(h, 120);
            List<ItemEmbedding> out = h.extractOutputValues();
            assertThat(perVersion(out)).as("nothing at version 1 after the restore").isEqualTo(Map.of(2L, (long) ITEMS));
            assertThat(out.stream().map(e -> e.itemId).distinct().count()).isEqualTo(ITEMS);
            assertThat(reports(h)).containsExactly("1 superseded", "2 complete");
        }
    }
    /** Runs version 1's pass one slice per second from time 0: a pass of 5 s, so no next pass before 10 s. */
    private static void passOfFiveSeconds(KeyedTwoInputStreamOperatorTestHarness<String, ImageSample, ModelRelease,
            ItemEmbedding> h) throws Exception {
        storeItemsThenServeVersion1(h);
        for (long t = 1000; t <= 5000; t += 1000) {
            h.setProcessingTime(t);
        }
        assertThat(perVersion(h.extractOutputValues())).isEqualTo(Map.of(1L, (long) ITEMS));
        assertThat(reports(h)).containsExactly("1 complete");
    }

    @Test
    void aVersionOfACatalogWhoseInputStoppedIsServedWithoutThePause() throws Exception {
        try (var h = harness()) {
            passOfFiveSeconds(h); // the last item came at 0: the input is idle from 2 s on
            h.setProcessingTime(5100);
            h.processElement2(version(2), 5100);
            at(h, 5200);

            assertThat(perVersion(h.extractOutputValues())).as("served at once, not at 10 s")
                    .isEqualTo(Map.of(1L, (long) ITEMS, 2L, (long) ITEMS));
            assertThat(reports(h)).containsExactly("1 complete", "2 complete");
        }
    }

    @Test
    void aVersionWaitingInThePauseIsServedOnceTheCatalogsInputHasBeenIdleForTwoSeconds() throws Exception {
        try (var h = harness()) {
            passOfFiveSeconds(h);
            h.setProcessingTime(5100);
            h.processElement1(item(ITEMS), 5100); // the stream still runs: the pause holds
            h.setProcessingTime(5200);
            h.processElement2(version(2), 5200);
            at(h, 5300);
            h.setProcessingTime(7099);
            assertThat(perVersion(h.extractOutputValues())).as("waiting: input seen 2 s ago at most")
                    .isEqualTo(Map.of(1L, (long) ITEMS + 1));

            h.setProcessingTime(7100); // 2 s after the last item, 2.9 s before the pause ends
            at(h, 7200);

            assertThat(perVersion(h.extractOutputValues())).isEqualTo(Map.of(1L, (long) ITEMS + 1, 2L,
                    (long) ITEMS + 1));
            assertThat(reports(h)).containsExactly("1 complete", "2 complete");
        }
    }

    /** Bounded input ends while version 1's pass runs, 2 skipped and 3 waiting: 2's marker needs its report before 3's. */
    @Test
    void whenTheInputEndsASkippedVersionIsReportedBeforeTheWaitingVersionIsServed() throws Exception {
        try (var h = harness()) {
            storeItemsThenServeVersion1(h);
            at(h, 2);
            h.processElement2(version(2), 2); // waits for version 1's pass
            h.processElement2(version(3), 2); // replaces 2, which is skipped here
            h.getOperator().finish();

            assertThat(reports(h)).containsExactly("1 superseded", "2 superseded", "3 complete");
            List<ItemEmbedding> out = h.extractOutputValues();
            assertThat(out.stream().filter(e -> e.modelVersion == 3).map(e -> e.itemId).distinct().count())
                    .isEqualTo(ITEMS);
        }
    }
}
