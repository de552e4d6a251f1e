package io.streamsynth.operators.batch;

import static io.streamsynth.operators.batch.TestSamples.train;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.TrainerInput;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.junit.jupiter.api.Test;

/** Deletes and new images of an item in the batch builder's state, through Flink's harness on RocksDB. */
class BatchBuilderDeleteTest {
    /** P = 2, K = 2, a batch every 4 fresh samples. */
    private static final BatchPolicy POLICY = BatchPolicy.of(2, 2, 7L).withFreshPerBatch(4);

    private static ImageSample deletion(int id, boolean heldOut) {
        ImageSample s = ImageSample.deletion("shop", "item-" + id, 0, 0);
        s.heldOut = heldOut;
        return s;
    }

    private static List<Integer> trainedIds(List<TrainerInput> out) {
        List<Integer> ids = new ArrayList<>();
        out.stream().filter(o -> o.kind == TrainerInput.BATCH).forEach(b -> ids.addAll(TestSamples.ids(b)));
        return ids;
    }

    @Test
    void aDeletedItemIsNeverInABatchAgainEvenAfterARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (BuilderHarness h = BuilderHarness.start(POLICY, new EmbeddedRocksDBStateBackend())) {
            h.send(train("shop", "a", 1));
            h.send(train("shop", "a", 2));
            h.send(train("shop", "b", 3));
            assertThat(h.send(deletion(1, false))).as("not held out: nothing for the trainer").isEmpty();
            assertThat(h.index("shop").find("a").size).isEqualTo(1);
            assertThat(((Counter) h.metric("samplesRemoved")).getCount()).isEqualTo(1);
            snapshot = h.snapshot(1);
        }
        try (BuilderHarness restored = BuilderHarness.restore(POLICY, new EmbeddedRocksDBStateBackend(), snapshot)) {
            List<TrainerInput> before = new ArrayList<>();
            before.addAll(restored.send(train("shop", "b", 4)));
            before.addAll(restored.send(train("shop", "a", 5)));
            assertThat(trainedIds(before)).as("a batch before the second delete").contains(2).doesNotContain(1);
            List<TrainerInput> out = new ArrayList<>(restored.send(deletion(2, false)));
            out.addAll(restored.send(train("shop", "a", 6)));
            for (int id = 7; id < 40; id++) {
                out.addAll(restored.send(train("shop", id % 2 == 0 ? "a" : "b", id)));
            }
            assertThat(trainedIds(out)).isNotEmpty().doesNotContain(1, 2);
            assertThat(restored.pixelEntries("shop")).isEqualTo((int) restored.index("shop").bufferedSamples());
        }
    }

    @Test
    void aNewImageReplacesTheItemsSampleSoOnlyTheNewestIsTrained() throws Exception {
        try (BuilderHarness h = BuilderHarness.start(POLICY, new EmbeddedRocksDBStateBackend())) {
            h.send(train("shop", "a", 1));
            h.send(train("shop", "a", 2));
            ImageSample newer = train("shop", "b", 101);
            newer.itemId = "item-1";
            h.send(newer);
            List<TrainerInput> out = h.send(train("shop", "b", 3));

            assertThat(h.index("shop").find("a").size).isEqualTo(1);
            assertThat(h.index("shop").find("b").size).isEqualTo(2);
            assertThat(h.pixelEntries("shop")).isEqualTo(3);
            assertThat(trainedIds(out)).as("nothing due yet").isEmpty();
            List<TrainerInput> batch = h.send(train("shop", "a", 4));
            assertThat(trainedIds(batch)).containsExactlyInAnyOrder(2, 4, 101, 3).doesNotContain(1);
        }
    }

    @Test
    void anItemNoLongerTrainedOnLeavesTheBuffers() throws Exception {
        try (BuilderHarness h = BuilderHarness.start(POLICY)) {
            h.send(train("shop", "a", 1));
            ImageSample embedOnly = train("shop", "a", 1);
            embedOnly.train = false;

            h.send(embedOnly);

            assertThat(h.index("shop").find("a")).isNull();
            assertThat(h.pixelEntries("shop")).isZero();
        }
    }

    @Test
    void aDeleteOfAHeldOutItemGoesOnToTheTrainer() throws Exception {
        try (BuilderHarness h = BuilderHarness.start(POLICY)) {
            h.send(TestSamples.heldOut("shop", "a", 1));

            List<TrainerInput> out = h.send(deletion(1, true));

            assertThat(out).singleElement().satisfies(in -> {
                assertThat(in.kind).isEqualTo(TrainerInput.DELETE);
                assertThat(in.catalog).isEqualTo("shop");
                assertThat(in.itemId).isEqualTo("item-1");
            });
        }
    }
}
