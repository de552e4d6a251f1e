package io.streamsynth.bench.streamoffline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsynth.operators.batch.BatchPolicy;
import io.streamsynth.operators.batch.ClassBalancedBatchBuilder;
import io.streamsynth.operators.decode.HeldOutSelector;
import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.TrainerInput;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class StreamOrderBatchesTest {
    private static final String CATALOG = "shop";
    /** Labels of a hand-made feed: classes arrive unevenly and one (d) stays short of K for a while. */
    private static final String LABELS = "aabbacbccadbacbdcabcaadbbccabdcabacdbbca";

    /** Event n: a 1 x 2 x 2 image whose bytes all say n, so a batch's pixels name its items. */
    private static ImageSample event(int n, String labels, HeldOutSelector heldOut) {
        ImageSample s = new ImageSample();
        s.catalog = CATALOG;
        s.itemId = EventSequence.itemId(n);
        s.label = String.valueOf(labels.charAt(n));
        s.channels = 1;
        s.height = 2;
        s.width = 2;
        s.pixels = new byte[] {(byte) n, (byte) n, (byte) n, (byte) n};
        s.eventTime = n;
        s.ingestTime = n;
        s.train = true;
        s.heldOut = heldOut.isHeldOut(CATALOG, s.itemId);
        return s;
    }

    /** The batches the job's own operator emits for the same events, in Flink's keyed test harness. */
    private static List<TrainerInput> builderBatches(BatchPolicy policy, String labels, HeldOutSelector heldOut)
            throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<String, ImageSample, TrainerInput>(
                new ClassBalancedBatchBuilder(policy), s -> s.catalog, Types.STRING);
        try {
            harness.open();
            for (int n = 0; n < labels.length(); n++) {
                harness.processElement(event(n, labels, heldOut), n);
            }
            List<TrainerInput> batches = new ArrayList<>();
            for (TrainerInput in : harness.extractOutputValues()) {
                if (in.kind == TrainerInput.BATCH) {
                    batches.add(in);
                }
            }
            return batches;
        } finally {
            harness.close();
        }
    }

    private static int itemOf(TrainerInput batch, int sample) {
        return batch.pixels[sample * 4];
    }

    @Test
    void formsTheSameBatchesInTheSameOrderAsTheJobsBatchBuilder() throws Exception {
        BatchPolicy policy = BatchPolicy.of(2, 3, 11).withMaxSamplesPerClass(5);
        HeldOutSelector heldOut = new HeldOutSelector(0.25);
        List<TrainerInput> expected = builderBatches(policy, LABELS, heldOut);
        assertThat(expected).hasSizeGreaterThanOrEqualTo(6);

        StreamOrderBatches.Replay replay = StreamOrderBatches.replay(n -> event(n, LABELS, heldOut), LABELS.length(),
                CATALOG, policy, expected.size());

        assertThat(replay.batches()).hasSameSizeAs(expected);
        for (int b = 0; b < expected.size(); b++) {
            TrainerInput want = expected.get(b);
            TrainerInput got = replay.batches().get(b);
            assertThat(got.labels).as("labels of batch %d", b).containsExactly(want.labels);
            assertThat(got.pixels).as("samples of batch %d", b).containsExactly(want.pixels);
            assertThat(got.freshCount).as("fresh samples of batch %d", b).isEqualTo(want.freshCount);
            assertThat(got.batchNumber).isEqualTo(b);
        }
        int heldOutEvents = 0;
        for (int n = 0; n < replay.eventsUsed(); n++) {
            if (heldOut.isHeldOut(CATALOG, EventSequence.itemId(n))) {
                heldOutEvents++;
                for (TrainerInput batch : replay.batches()) {
                    for (int s = 0; s < batch.count(); s++) {
                        assertThat(itemOf(batch, s)).as("held-out item %d in a batch", n).isNotEqualTo(n);
                    }
                }
            }
        }
        assertThat(heldOutEvents).isPositive().isEqualTo(replay.heldOut());
        // some samples are replayed (K = 3 from classes with fewer fresh ones), so the check covers replay too
        assertThat(replay.freshSamples()).isLessThan(replay.samples());
    }

    @Test
    void stopsAtTheEventThatCompletesTheLastBatchAsWorkedOutByHand() throws Exception {
        // P = 2, K = 2, a batch due every 2 fresh samples of eligible classes; nothing held out.
        // a a b b: after event 3 a and b hold 2 fresh each -> batch 0 = both classes, newest first.
        // a c c: event 4 leaves 1 fresh in a; c becomes eligible at event 6 with 2 fresh -> batch 1 =
        // c (6, 5) then a (4 fresh, plus one of 0 and 1 replayed).
        BatchPolicy policy = BatchPolicy.of(2, 2, 3);
        HeldOutSelector none = new HeldOutSelector(0);
        String labels = "aabbaccbb";

        StreamOrderBatches.Replay replay = StreamOrderBatches.replay(n -> event(n, labels, none), labels.length(),
                CATALOG, policy, 2);

        assertThat(replay.eventsUsed()).isEqualTo(7);
        assertThat(replay.heldOut()).isZero();
        TrainerInput first = replay.batches().get(0);
        List<Integer> firstItems = List.of(itemOf(first, 0), itemOf(first, 1), itemOf(first, 2), itemOf(first, 3));
        assertThat(firstItems).isIn(List.of(1, 0, 3, 2), List.of(3, 2, 1, 0));
        assertThat(first.freshCount).isEqualTo(4);
        TrainerInput second = replay.batches().get(1);
        assertThat(second.labels).containsExactly("c", "c", "a", "a");
        assertThat(itemOf(second, 0)).isEqualTo(6);
        assertThat(itemOf(second, 1)).isEqualTo(5);
        assertThat(itemOf(second, 2)).isEqualTo(4);
        assertThat(itemOf(second, 3)).isIn(0, 1);
        assertThat(second.freshCount).isEqualTo(3);
        assertThat(replay.batches()).containsExactlyElementsOf(List.of(first, second));
        assertThat(builderBatches(policy, labels, none).subList(0, 2)).extracting(b -> b.labels[0])
                .containsExactly(first.labels[0], "c");
    }

    @Test
    void refusesWhenTheEventsFormFewerBatchesThanSteps() {
        BatchPolicy policy = BatchPolicy.of(2, 2, 3);
        HeldOutSelector none = new HeldOutSelector(0);
        String labels = "aabbaccbb";
        assertThatThrownBy(() -> StreamOrderBatches.replay(n -> event(n, labels, none), labels.length(), CATALOG,
                policy, 50))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("form only").hasMessageContaining("fewer than the 50 steps");
    }
}
