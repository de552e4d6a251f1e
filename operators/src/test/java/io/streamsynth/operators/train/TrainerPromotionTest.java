package io.streamsynth.operators.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.model.checkpoint.CheckpointCodec;
import io.streamsynth.model.checkpoint.CheckpointMetadata;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.runtime.DeviceSpec;
import io.streamsynth.model.train.TrainingConfig;
import io.streamsynth.operators.types.ModelRelease;
import io.streamsynth.operators.types.TrainerInput;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The promotion gate in the trainer operator (Flink's keyed harness, processing time under the test's
 * control): a version trained with a diverging learning rate is not promoted, a version held back
 * by the refresh interval is served when it has passed, and the gate's state survives a restore.
 */
@Timeout(180)
class TrainerPromotionTest {
    private static final Architecture ARCH = Batches.ARCHITECTURE;

    private static TrainerSettings settings(float learningRate, Duration minRefresh) {
        return new TrainerSettings(ARCH, new TrainingConfig("triplet", Float.NaN, "ee", 2, "adam", learningRate, 0.9f,
                0f), 5, DeviceSpec.parse("cpu"), 2, Duration.ofHours(1), 100, 4)
                .withPromotion(new PromotionPolicy(0, minRefresh));
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, TrainerInput, ModelRelease> harness(
            TrainerSettings settings) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(new TrainerOperator(settings), in -> in.catalog,
                Types.STRING);
    }

    private static CheckpointMetadata metadata(ModelRelease r) {
        return CheckpointCodec.decode(r.checkpoint).metadata();
    }

    private static void heldOutSet(KeyedOneInputStreamOperatorTestHarness<String, TrainerInput, ModelRelease> h,
            Random random) throws Exception {
        for (int i = 0; i < 40; i++) {
            TrainerInput in = Batches.heldOut("shoes", "held-" + i, i % 4, random);
            in.pixels = faint(i % 4, random);
            h.processElement(new StreamRecord<>(in));
        }
    }

    private static void train(KeyedOneInputStreamOperatorTestHarness<String, TrainerInput, ModelRelease> h,
            Random random, int steps) throws Exception {
        for (int i = 0; i < steps; i++) {
            h.processElement(new StreamRecord<>(faintBatch(random, false)));
        }
    }

    /** A faint bar in heavy noise: classes a model must learn to tell apart, so a bad version shows. */
    private static byte[] faint(int label, Random random) {
        int size = Batches.SIZE;
        byte[] pixels = new byte[size * size];
        int row = 1 + (label * 3) % (size - 2);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double v = (y == row ? 110 : 70) + 60 * random.nextGaussian();
                pixels[y * size + x] = (byte) Math.max(0, Math.min(255, (int) v));
            }
        }
        return pixels;
    }

    /** A 4 x 2 batch of faint bars; with {@code shuffled} each image shows a random class whatever its label says. */
    private static TrainerInput faintBatch(Random random, boolean shuffled) {
        TrainerInput in = Batches.batch("shoes", 4, 2, random);
        int size = Batches.SIZE * Batches.SIZE;
        for (int i = 0; i < in.count(); i++) {
            int shown = shuffled ? random.nextInt(4) : i / 2;
            System.arraycopy(faint(shown, random), 0, in.pixels, i * size, size);
        }
        return in;
    }

    @Test
    void aVersionTrainedWithADivergingLearningRateIsNotPromoted() throws Exception {
        Random random = new Random(21);
        OperatorSubtaskState savepoint;
        ModelRelease served;
        try (var h = harness(settings(1e-2f, Duration.ZERO))) {
            h.open();
            heldOutSet(h, random);
            train(h, random, 4);
            List<ModelRelease> out = h.extractOutputValues();
            assertThat(out).extracting(r -> r.version).containsExactly(0L, 1L, 2L);
            // the newest promoted version is served; which one that is depends on the initial weights
            served = out.stream().filter(r -> r.promoted).reduce((a, b) -> b).orElseThrow();
            savepoint = h.snapshot(1, 1);
        }
        double servedRecall = metadata(served).evaluation().get("r_at_1");

        // the same state under a learning rate 500 times too high (a compatible change that simply
        // applies), fed batches whose labels say nothing about the images
        try (var h = harness(settings(5f, Duration.ZERO))) {
            h.initializeState(savepoint);
            h.open();
            for (int i = 0; i < 2; i++) {
                h.processElement(new StreamRecord<>(faintBatch(random, true)));
            }
            ModelRelease bad = h.extractOutputValues().get(0);

            CheckpointMetadata m = metadata(bad);
            assertThat(bad.version).isEqualTo(3);
            assertThat(bad.promoted).as("%s %s", m.evaluation(), m.promotion()).isFalse();
            assertThat(m.promotion()).containsEntry("promoted", false).containsEntry("reason", "recall_dropped")
                    .containsEntry("serving_version", (int) served.version)
                    .containsEntry("promoted_version", (int) served.version)
                    .containsEntry("held_out_items", 40);
            // the served version was evaluated again on the same 40 items, after the restore: the same figure
            assertThat((Double) m.promotion().get("promoted_recall_at_1")).isEqualTo(servedRecall);
            assertThat((Double) m.promotion().get("candidate_recall_at_1")).isEqualTo(m.evaluation().get("r_at_1"))
                    .isLessThan(servedRecall);
        }
    }

    @Test
    void aVersionHeldBackByTheIntervalIsServedWhenItHasPassedAndTheGateStateSurvivesARestore() throws Exception {
        Random random = new Random(22);
        TrainerSettings settings = settings(1e-2f, Duration.ofSeconds(10));
        OperatorSubtaskState checkpoint;
        String heldBackWeights;
        try (var h = harness(settings)) {
            h.open();
            h.setProcessingTime(1_000);
            train(h, random, 2); // version 0 at 1 s, then version 1
            h.setProcessingTime(3_000);
            train(h, random, 2); // version 2, too soon as well
            List<ModelRelease> early = h.extractOutputValues();
            assertThat(early).extracting(r -> r.version + ":" + r.promoted).containsExactly("0:true", "1:false",
                    "2:false");
            assertThat(metadata(early.get(2)).promotion()).containsEntry("reason", "too_soon")
                    .containsEntry("millis_since_promotion", 2_000).containsEntry("min_refresh_interval_millis", 10_000);
            heldBackWeights = metadata(early.get(2)).weightsSha256();
            checkpoint = h.snapshot(1, 1);
        }

        // restored before the interval ends: the last promotion time and the held-back version came back
        try (var h = harness(settings)) {
            h.initializeState(checkpoint);
            h.open();
            h.setProcessingTime(10_999);
            assertThat(h.extractOutputValues()).isEmpty();
            h.setProcessingTime(11_000); // 1 s + 10 s: the timer Flink restored with the state fires

            List<ModelRelease> out = h.extractOutputValues();
            assertThat(out).hasSize(1);
            ModelRelease retry = out.get(0);
            assertThat(retry.version).isEqualTo(3);
            assertThat(retry.promoted).isTrue();
            assertThat(metadata(retry).promotion()).containsEntry("reason", "no_held_out_figures")
                    .containsEntry("deferred_from", 2).containsEntry("serving_version", 3);
            // no step since version 2: the served weights are the ones held back
            assertThat(metadata(retry).weightsSha256()).isEqualTo(heldBackWeights);
        }
    }
    @Test
    void aCandidateTheIntervalHoldsBackIsPublishedUnevaluatedAndTheRetryIsEvaluated() throws Exception {
        Random random = new Random(23);
        // any recall within tolerance: the test is about which versions are evaluated, not how they compare
        TrainerSettings settings = settings(1e-2f, Duration.ZERO).withPromotion(new PromotionPolicy(1,
                Duration.ofSeconds(10)));
        try (var h = harness(settings)) {
            h.open();
            h.setProcessingTime(1_000);
            heldOutSet(h, random); // version 0 at 1 s, with the first held-out item
            train(h, random, 4); // versions 1 and 2, within the interval
            h.setProcessingTime(11_000); // the retry, version 3

            List<ModelRelease> out = h.extractOutputValues();
            assertThat(out).extracting(r -> r.version + ":" + r.promoted).containsExactly("0:true", "1:false",
                    "2:false", "3:true");
            for (ModelRelease early : out.subList(1, 3)) {
                // its figures could not have changed the decision, so none were computed
                assertThat(metadata(early).evaluation()).isEmpty();
                assertThat(metadata(early).promotion()).containsEntry("reason", "too_soon")
                        .containsEntry("evaluated", false).doesNotContainKey("candidate_recall_at_1");
            }
            CheckpointMetadata retry = metadata(out.get(3));
            assertThat(retry.evaluation()).containsKey("r_at_1").containsEntry("held_out_items", 40.0);
            assertThat(retry.promotion()).containsEntry("reason", "recall_within_tolerance")
                    .containsEntry("deferred_from", 2).containsEntry("held_out_items", 40)
                    .containsKeys("candidate_recall_at_1", "promoted_recall_at_1");
        }
    }
}
