package io.streamsynth.operators.batch;

import static io.streamsynth.operators.batch.TestSamples.heldOut;
import static io.streamsynth.operators.batch.TestSamples.train;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.TrainerInput;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.junit.jupiter.api.Test;

/** The builder tells the trainer about a catalog from its first event on, and says what training waits for. */
class NewCatalogTest {
    private static final BatchPolicy POLICY = BatchPolicy.of(2, 2, 7L);

    private static ImageSample embedOnly(String catalog, int id) {
        ImageSample s = train(catalog, null, id);
        s.train = false;
        return s;
    }

    private static ImageSample deletion(String catalog, int id) {
        ImageSample s = train(catalog, "a", id);
        s.deleted = true;
        return s;
    }

    @Test
    void everyCatalogIsAnnouncedOnceAtItsFirstEventOfAnyKindButADelete() throws Exception {
        try (BuilderHarness h = BuilderHarness.start(POLICY)) {
            assertThat(h.send(embedOnly("shop", 1))).isEmpty();
            assertThat(h.announcements()).containsExactly("shop");
            h.send(train("shop", "a", 2));
            h.send(embedOnly("shop", 3));
            assertThat(h.send(heldOut("bags", "x", 4))).extracting(in -> in.kind).containsExactly(TrainerInput.HELD_OUT);
            h.send(deletion("hats", 5));
            h.send(train("bags", "y", 6));

            assertThat(h.announcements()).as("one per catalog, none for a catalog seen only in a delete")
                    .containsExactly("shop", "bags");
        }
    }

    @Test
    void aRestoredBuilderAnnouncesItsCatalogsAgainAtTheirNextEvent() throws Exception {
        OperatorSubtaskState snapshot;
        try (BuilderHarness h = BuilderHarness.start(POLICY, new HashMapStateBackend())) {
            h.send(train("shop", "a", 1));
            snapshot = h.snapshot(1L);
        }
        try (BuilderHarness h = BuilderHarness.restore(POLICY, new HashMapStateBackend(), snapshot)) {
            h.send(train("shop", "b", 2));
            h.send(train("shop", "a", 3));

            // the trainer ignores a catalog it knows; a builder that lost its heap cannot tell which it told
            assertThat(h.announcements()).containsExactly("shop");
        }
    }

    @Test
    void theWaitNamesReadyClassesUntilPHoldKSamplesThenTheFreshSamplesABatchNeeds() {
        BatchPolicy policy = BatchPolicy.of(4, 8, 1L);
        CatalogIndex index = new CatalogIndex();
        index.classes = new ClassSummary[] {new ClassSummary("a", 8, 8, 1), new ClassSummary("b", 9, 9, 2),
                new ClassSummary("c", 7, 7, 3), new ClassSummary("d", 8, 8, 4)};

        TrainingWait three = TrainingWait.of(index, policy);
        assertThat(three.waitsForClasses()).isTrue();
        assertThat(three.stage()).isEqualTo(3);
        assertThat(three.describe()).isEqualTo("training waits for 4 classes with 8 samples each: 3 of 4 classes "
                + "have them");

        index.classes[2].size = 8;
        index.classes[2].freshCount = 0;
        index.classes[0].freshCount = 2;
        index.classes[1].freshCount = 3;
        index.classes[3].freshCount = 1;
        TrainingWait ready = TrainingWait.of(index, policy);
        assertThat(ready.waitsForClasses()).isFalse();
        assertThat(ready.stage()).isEqualTo(4);
        assertThat(ready.freshReady()).isEqualTo(6);
        assertThat(ready.describe()).isEqualTo("4 classes hold 8 samples (4 needed): a batch is built whenever they "
                + "hold 16 untrained samples (6 now)");
    }

    @Test
    void classesReadyGaugeFollowsTheBuffers() throws Exception {
        try (BuilderHarness h = BuilderHarness.start(POLICY)) {
            List<TrainerInput> out = h.sendAll(List.of(train("shop", "a", 1), train("shop", "a", 2),
                    train("shop", "b", 3)));
            assertThat(out).isEmpty();
            assertThat(((org.apache.flink.metrics.Gauge<?>) h.metric("classesReady")).getValue()).isEqualTo(1);
            h.send(train("shop", "b", 4));
            assertThat(((org.apache.flink.metrics.Gauge<?>) h.metric("classesReady")).getValue()).isEqualTo(2);
        }
    }
}
