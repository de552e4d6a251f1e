package io.streamsynth.operators.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.model.checkpoint.Checkpoint;
import io.streamsynth.model.checkpoint.CheckpointCodec;
import io.streamsynth.operators.types.ModelRelease;
import io.streamsynth.operators.types.TrainerInput;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class TrainerOperatorTest {

    private static KeyedOneInputStreamOperatorTestHarness<String, TrainerInput, ModelRelease> harness(int every)
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(new TrainerOperator(Batches.settings(every)),
                in -> in.catalog, Types.STRING);
    }

    /**
     * As {@link #harness(int)} with no minimum refresh interval: every candidate is evaluated, since one that the
     * interval alone holds back is published unevaluated.
     */
    private static KeyedOneInputStreamOperatorTestHarness<String, TrainerInput, ModelRelease> evaluatingHarness(
            int every) throws Exception {
        TrainerSettings settings = Batches.settings(every)
                .withPromotion(new PromotionPolicy(PromotionPolicy.DEFAULT_TOLERANCE, Duration.ZERO));
        return new KeyedOneInputStreamOperatorTestHarness<>(new TrainerOperator(settings), in -> in.catalog,
                Types.STRING);
    }

    private static List<ModelRelease> releases(KeyedOneInputStreamOperatorTestHarness<String, ?, ModelRelease> h) {
        return h.extractOutputValues();
    }

    @Test
    void publishesVersionZeroAtACatalogsFirstInputThenIncreasingVersionsEveryNSteps() throws Exception {
        Random random = new Random(1);
        try (var h = harness(3)) {
            h.open();
            for (int i = 0; i < 7; i++) {
                h.processElement(new StreamRecord<>(Batches.batch("shoes", 2, 2, random)));
                h.processElement(new StreamRecord<>(Batches.batch("bags", 2, 2, random)));
            }
            List<ModelRelease> out = releases(h);
            assertThat(out).extracting(r -> r.catalog + ":" + r.version + "@" + r.step)
                    .containsExactly("shoes:0@0", "bags:0@0", "shoes:1@3", "bags:1@3", "shoes:2@6", "bags:2@6");
            // version 0 is served at once; the later ones come within the hour-long refresh interval
            assertThat(out).extracting(r -> r.promoted).containsExactly(true, true, false, false, false, false);
            assertThat(CheckpointCodec.decode(out.get(0).checkpoint).metadata().promotion())
                    .containsEntry("reason", "cold_start").containsEntry("serving_version", 0);
            assertThat(CheckpointCodec.decode(out.get(5).checkpoint).metadata().promotion())
                    .containsEntry("promoted", false).containsEntry("reason", "too_soon")
                    .containsEntry("serving_version", 0).containsEntry("evaluated", false);
            Checkpoint c = CheckpointCodec.decode(out.get(4).checkpoint);
            assertThat(c.metadata().catalog()).isEqualTo("shoes");
            assertThat(c.metadata().modelVersion()).isEqualTo(2);
            assertThat(c.metadata().step()).isEqualTo(6);
        }
    }

    @Test
    void heldOutItemsAreEvaluatedAtPublishAndNeverTrained() throws Exception {
        Random random = new Random(2);
        try (var h = evaluatingHarness(2)) {
            h.open();
            for (int i = 0; i < 12; i++) {
                h.processElement(new StreamRecord<>(Batches.heldOut("shoes", "item-" + i, i % 3, random)));
            }
            for (int i = 0; i < 2; i++) {
                h.processElement(new StreamRecord<>(Batches.batch("shoes", 3, 2, random)));
            }
            // version 0 came with the first held-out item, before the set could be evaluated
            assertThat(CheckpointCodec.decode(releases(h).get(0).checkpoint).metadata().evaluation()).isEmpty();
            ModelRelease release = releases(h).get(1);
            Checkpoint c = CheckpointCodec.decode(release.checkpoint);
            assertThat(c.metadata().evaluation()).containsKeys("r_at_1", "nmi", "map_at_r")
                    .containsEntry("held_out_items", 12.0);
            assertThat(c.metadata().step()).as("held-out samples are not steps").isEqualTo(2);
        }
    }

    @Test
    void aDeletedHeldOutItemLeavesTheEvaluationSetAcrossASnapshot() throws Exception {
        Random random = new Random(5);
        OperatorSubtaskState snapshot;
        try (var h = evaluatingHarness(2)) {
            h.open();
            for (int i = 0; i < 12; i++) {
                h.processElement(new StreamRecord<>(Batches.heldOut("shoes", "item-" + i, i % 3, random)));
            }
            h.processElement(new StreamRecord<>(deletion("shoes", "item-3")));
            h.processElement(new StreamRecord<>(deletion("shoes", "item-3")));
            h.processElement(new StreamRecord<>(deletion("shoes", "never-seen")));
            snapshot = h.snapshot(1, 1);
        }
        try (var restored = evaluatingHarness(2)) {
            restored.initializeState(snapshot);
            restored.open();
            restored.processElement(new StreamRecord<>(deletion("shoes", "item-4")));
            for (int i = 0; i < 2; i++) {
                restored.processElement(new StreamRecord<>(Batches.batch("shoes", 3, 2, random)));
            }
            Checkpoint c = CheckpointCodec.decode(releases(restored).get(0).checkpoint);
            assertThat(c.metadata().evaluation()).containsEntry("held_out_items", 10.0);
            assertThat(c.metadata().step()).as("deletes are not steps").isEqualTo(2);
        }
    }

    private static TrainerInput deletion(String catalog, String itemId) {
        TrainerInput in = new TrainerInput();
        in.kind = TrainerInput.DELETE;
        in.catalog = catalog;
        in.itemId = itemId;
        in.labels = new String[0];
        in.pixels = new byte[0];
        return in;
    }

    @Test
    void restoredOperatorResumesFromTheCheckpointedModel() throws Exception {
        Random random = new Random(3);
        TrainerInput[] inputs = new TrainerInput[8];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = Batches.batch("shoes", 2, 2, random);
        }
        OperatorSubtaskState snapshot;
        List<ModelRelease> uninterrupted;
        try (var h = harness(2)) {
            h.open();
            for (TrainerInput in : inputs) {
                h.processElement(new StreamRecord<>(in));
            }
            uninterrupted = releases(h);
        }
        try (var first = harness(2)) {
            first.open();
            for (int i = 0; i < 5; i++) {
                first.processElement(new StreamRecord<>(inputs[i]));
            }
            snapshot = first.snapshot(1, 1);
            // work after the checkpoint is lost with the failure
            first.processElement(new StreamRecord<>(inputs[5]));
        }
        try (var restored = harness(2)) {
            restored.initializeState(snapshot);
            restored.open();
            for (int i = 5; i < inputs.length; i++) {
                restored.processElement(new StreamRecord<>(inputs[i]));
            }
            List<ModelRelease> resumed = releases(restored);
            assertThat(resumed).extracting(r -> r.version + "@" + r.step).containsExactly("3@6", "4@8");
            // the first release after the restore names the weights it resumed from: step 5's
            Checkpoint first = CheckpointCodec.decode(resumed.get(0).checkpoint);
            assertThat(((Number) first.metadata().lineage().get("resumed_at_step")).longValue()).isEqualTo(5);
            assertThat(CheckpointCodec.decode(resumed.get(1).checkpoint).metadata().lineage())
                    .doesNotContainKeys("resumed_at_step", "resumed_from_weights_sha256");
            // same inputs from the same checkpointed model and optimizer state: the same weights
            for (int i = 0; i < resumed.size(); i++) {
                // uninterrupted: versions 0 (cold start), 1, 2, then the two compared
                Checkpoint a = CheckpointCodec.decode(uninterrupted.get(i + 3).checkpoint);
                Checkpoint b = CheckpointCodec.decode(resumed.get(i).checkpoint);
                assertThat(b.metadata().weightsSha256()).isEqualTo(a.metadata().weightsSha256());
            }
        }
    }

    private static TrainerInput batchWithFresh(Random random, long... ingestTimes) {
        TrainerInput in = Batches.batch("shoes", 2, 2, random);
        in.freshCount = ingestTimes.length;
        in.freshIngestTimes = ingestTimes;
        in.oldestFreshIngestTime = ingestTimes.length == 0 ? 0 : java.util.Arrays.stream(ingestTimes).min().getAsLong();
        return in;
    }

    private static FreshnessHistogram freshnessOf(ModelRelease release) {
        Object summary = CheckpointCodec.decode(release.checkpoint).metadata().lineage()
                .get(CatalogTrainer.FRESHNESS_KEY);
        assertThat(summary).as("freshness summary in the lineage").isInstanceOf(Map.class);
        return FreshnessHistogram.fromMap((Map<?, ?>) summary);
    }

    @Test
    @Timeout(120)
    void eachVersionRecordsTheDelayFromIngestToPublicationOfTheSamplesItTrainedFirst() throws Exception {
        Random random = new Random(4);
        try (var h = harness(2)) {
            h.open();
            h.setProcessingTime(1_000);
            h.processElement(new StreamRecord<>(batchWithFresh(random, 100, 200)));
            h.processElement(new StreamRecord<>(batchWithFresh(random, 500)));
            h.setProcessingTime(5_000);
            // a replay-only batch adds no samples; the second version holds only the 4_000 one
            h.processElement(new StreamRecord<>(batchWithFresh(random)));
            h.processElement(new StreamRecord<>(batchWithFresh(random, 4_000)));

            List<ModelRelease> out = releases(h);
            assertThat(out).hasSize(3);
            assertThat(freshnessOf(out.get(0)).count()).as("version 0 trained nothing").isZero();
            FreshnessHistogram first = freshnessOf(out.get(1));
            assertThat(first.count()).isEqualTo(3);
            assertThat(first.maxMillis()).isEqualTo(900);
            assertThat(first.percentileMillis(0.5)).isBetween(800L, 832L);
            FreshnessHistogram second = freshnessOf(out.get(2));
            assertThat(second.count()).isEqualTo(1);
            assertThat(second.maxMillis()).isEqualTo(1_000);
            first.merge(second);
            assertThat(first.count()).isEqualTo(4);
            assertThat(first.percentileMillis(1.0)).isEqualTo(1_000);
        }
    }
}
