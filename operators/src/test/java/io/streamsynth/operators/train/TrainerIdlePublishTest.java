package io.streamsynth.operators.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.model.checkpoint.CheckpointCodec;
import io.streamsynth.operators.types.ModelRelease;
import io.streamsynth.operators.types.TrainerInput;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The trainer publishes the steps of a stream that went idle at once (issue 14, part 2), on processing-time timers. */
class TrainerIdlePublishTest {
    /** 100 steps or an hour per version, no minimum refresh interval: only idleness publishes in these tests. */
    private static final TrainerSettings SETTINGS = Batches.settings(100)
            .withPromotion(new PromotionPolicy(0, Duration.ZERO));

    private static KeyedOneInputStreamOperatorTestHarness<String, TrainerInput, ModelRelease> harness(
            TrainerSettings settings, Duration publishWhenIdle) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new TrainerOperator(CatalogTrainerSettings.fixed(settings), publishWhenIdle), in -> in.catalog,
                Types.STRING);
    }

    private static void step(KeyedOneInputStreamOperatorTestHarness<String, TrainerInput, ModelRelease> h, long at,
            Random random) throws Exception {
        h.setProcessingTime(at);
        h.processElement(new StreamRecord<>(Batches.batch("shoes", 2, 2, random)));
    }

    private static List<String> versions(KeyedOneInputStreamOperatorTestHarness<String, ?, ModelRelease> h) {
        return h.extractOutputValues().stream().map(r -> r.version + "@" + r.step + ":" + r.promoted).toList();
    }

    @Test
    void theStepsOfAStreamThatStoppedArePublishedTwoSecondsAfterItsLastStepThroughTheGate() throws Exception {
        Random random = new Random(31);
        try (var h = harness(SETTINGS, Duration.ofSeconds(2))) {
            h.open();
            for (long t = 1_000; t <= 1_150; t += 50) {
                step(h, t, random);
            }
            assertThat(versions(h)).containsExactly("0@0:true");
            h.setProcessingTime(3_149);
            assertThat(versions(h)).as("the check registered at the fourth step").containsExactly("0@0:true");
            h.setProcessingTime(3_150);
            assertThat(versions(h)).containsExactly("0@0:true", "1@4:true");
            ModelRelease idle = h.extractOutputValues().get(1);
            assertThat(CheckpointCodec.decode(idle.checkpoint).metadata().promotion())
                    .as("judged by the gate like any candidate").containsEntry("reason", "no_held_out_figures");
            h.setProcessingTime(60_000);
            assertThat(versions(h)).as("nothing left to publish").hasSize(2);
        }
    }

    @Test
    void anIdleVersionIsNotHeldBackByTheMinimumRefreshIntervalOfTheGate() throws Exception {
        Random random = new Random(32);
        TrainerSettings settings = Batches.settings(100).withPromotion(new PromotionPolicy(0, Duration.ofSeconds(10)));
        try (var h = harness(settings, Duration.ofSeconds(2))) {
            h.open();
            for (long t = 1_000; t <= 1_030; t += 10) {
                step(h, t, random); // version 0 promoted at 1 s
            }
            h.setProcessingTime(3_030); // 2 s after the 4th step, 2 s of the gate's 10 s interval gone
            assertThat(versions(h)).containsExactly("0@0:true", "1@4:true");
            assertThat(CheckpointCodec.decode(h.extractOutputValues().get(1).checkpoint).metadata().promotion())
                    .containsEntry("reason", "stream_idle").containsEntry("stream_idle", true);

            // a second burst is early again within the interval: held back, served by the retry; it is idle
            // twice the longest gap (the 2.97 s pause before it) after its last step
            for (long t = 4_000; t <= 4_030; t += 10) {
                step(h, t, random);
            }
            h.setProcessingTime(9_969);
            assertThat(versions(h)).hasSize(2);
            h.setProcessingTime(9_970);
            assertThat(versions(h)).containsExactly("0@0:true", "1@4:true", "2@8:false");
            assertThat(CheckpointCodec.decode(h.extractOutputValues().get(2).checkpoint).metadata().promotion())
                    .containsEntry("reason", "too_soon");
            h.setProcessingTime(13_030); // the last promotion (3.03 s) plus the interval
            assertThat(versions(h)).containsExactly("0@0:true", "1@4:true", "2@8:false", "3@8:true");
        }
    }

    @Test
    void aTrickleOfBatchesIsNotPublishedBatchByBatch() throws Exception {
        Random random = new Random(33);
        try (var h = harness(SETTINGS, Duration.ofSeconds(2))) {
            h.open();
            for (long t = 1_000; t <= 1_150; t += 50) {
                step(h, t, random);
            }
            h.setProcessingTime(3_150);
            assertThat(versions(h)).containsExactly("0@0:true", "1@4:true");
            for (long t = 4_000; t <= 13_000; t += 3_000) {
                step(h, t, random);
            }
            // gaps of 3 s: idle after twice the longest, 6 s after the last batch (no version 2 s after each)
            h.setProcessingTime(18_999);
            assertThat(versions(h)).hasSize(2);
            h.setProcessingTime(19_000);
            assertThat(versions(h)).containsExactly("0@0:true", "1@4:true", "2@8:true");
        }
    }

    @Test
    void fewerThanFourStepsWaitForTheIntervalEvenWhenTheStreamStopped() throws Exception {
        Random random = new Random(35);
        try (var h = harness(SETTINGS, Duration.ofSeconds(2))) {
            h.open();
            for (long t = 1_000; t <= 1_100; t += 50) {
                step(h, t, random);
            }
            h.setProcessingTime(600_000);
            assertThat(versions(h)).containsExactly("0@0:true");
            h.setProcessingTime(3_601_000);
            assertThat(versions(h)).containsExactly("0@0:true", "1@3:true");
        }
    }

    @Test
    void withoutPublishWhenIdleTheStepsWaitForTheInterval() throws Exception {
        Random random = new Random(34);
        try (var h = harness(SETTINGS, Duration.ZERO)) {
            h.open();
            for (long t = 1_000; t <= 1_150; t += 50) {
                step(h, t, random);
            }
            h.setProcessingTime(600_000);
            assertThat(versions(h)).containsExactly("0@0:true");
            h.setProcessingTime(3_601_000);
            assertThat(versions(h)).containsExactly("0@0:true", "1@4:true");
        }
    }
}
