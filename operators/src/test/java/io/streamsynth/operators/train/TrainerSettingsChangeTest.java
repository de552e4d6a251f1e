package io.streamsynth.operators.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.model.checkpoint.CheckpointCodec;
import io.streamsynth.model.checkpoint.CheckpointMetadata;
import io.streamsynth.model.data.DecodedImage;
import io.streamsynth.model.image.ImageSpec;
import io.streamsynth.model.image.StoredImage;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.train.TrainingConfig;
import io.streamsynth.operators.types.ModelRelease;
import io.streamsynth.operators.types.TrainerInput;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The trainer applies the catalog settings stamped on its inputs (README, "Catalog settings"). */
class TrainerSettingsChangeTest {
    private static final byte[] WIDER = "embedding 16".getBytes(StandardCharsets.UTF_8);
    private static final byte[] MS_LOSS = "multi-similarity".getBytes(StandardCharsets.UTF_8);
    /** The same stored 12 x 12 squares, a 10 x 10 center crop: a new network input, a new lineage. */
    private static final byte[] CROP_10 = "crop 10".getBytes(StandardCharsets.UTF_8);
    /** No minimum refresh interval, so that every candidate is evaluated (the tests count held-out items). */
    private static final TrainerSettings FLAGS = Batches.settings(3)
            .withPromotion(new PromotionPolicy(PromotionPolicy.DEFAULT_TOLERANCE, Duration.ZERO));

    /** The job's flags (failing on incompatible restores), a 16-d network, or the same network under another loss. */
    private static TrainerSettings settingsOf(byte[] record) {
        if (record == null) {
            return FLAGS;
        }
        Architecture a = Batches.ARCHITECTURE;
        if (new String(record, StandardCharsets.UTF_8).equals("crop 10")) {
            Architecture cropped = new Architecture(a.kind(), a.channels(), 10, 10, a.embeddingSize(), a.baseFilters());
            ImageSpec i = FLAGS.image();
            return new TrainerSettings(cropped, FLAGS.training(), FLAGS.seed(), FLAGS.device(),
                    FLAGS.publishEverySteps(), FLAGS.publishInterval(), FLAGS.heldOutCapacity(),
                    FLAGS.evaluationMinItems(), FLAGS.onIncompatibleState(), null,
                    new ImageSpec(1, i.resize(), 10, i.mean(), i.std(), i.background(), false, 0), FLAGS.promotion());
        }
        Architecture wider = new Architecture(a.kind(), a.channels(), a.height(), a.width(), 16, a.baseFilters());
        TrainingConfig t = FLAGS.training();
        TrainingConfig ms = new TrainingConfig("ms", Float.NaN, t.synthesis(), t.syntheticPoints(), t.optimizer(),
                t.learningRate(), t.momentum(), t.weightDecay());
        boolean wide = new String(record, StandardCharsets.UTF_8).equals("embedding 16");
        return new TrainerSettings(wide ? wider : a, wide ? t : ms, FLAGS.seed(), FLAGS.device(),
                FLAGS.publishEverySteps(), FLAGS.publishInterval(), FLAGS.heldOutCapacity(),
                FLAGS.evaluationMinItems(), FLAGS.onIncompatibleState(), null, FLAGS.image(), FLAGS.promotion());
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, TrainerInput, ModelRelease> harness()
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new TrainerOperator(TrainerSettingsChangeTest::settingsOf), in -> in.catalog, Types.STRING);
    }

    private static TrainerInput stamped(TrainerInput in, long revision, byte[] settings) {
        in.settingsRevision = revision;
        in.settings = settings;
        return in;
    }

    private static TrainerInput seen(long revision, byte[] settings) {
        TrainerInput in = new TrainerInput();
        in.kind = TrainerInput.CATALOG_SEEN;
        in.catalog = "shoes";
        in.labels = new String[0];
        in.pixels = new byte[0];
        return stamped(in, revision, settings);
    }

    private static CheckpointMetadata metadata(ModelRelease r) {
        return CheckpointCodec.decode(r.checkpoint).metadata();
    }

    @Test
    void aShapeChangeStartsANewLineagePublishedAtOnceAndVersionsCountOn() throws Exception {
        Random random = new Random(1);
        try (var h = harness()) {
            h.open();
            for (int i = 0; i < 3; i++) {
                h.processElement(new StreamRecord<>(Batches.batch("shoes", 2, 2, random)));
            }
            h.processElement(new StreamRecord<>(seen(9, WIDER)));
            h.processElement(new StreamRecord<>(stamped(Batches.batch("shoes", 2, 2, random), 9, WIDER)));

            List<ModelRelease> out = h.extractOutputValues();
            assertThat(out).extracting(r -> r.version + "@" + r.step).containsExactly("0@0", "1@3", "2@0");
            CheckpointMetadata lineage = metadata(out.get(2));
            assertThat(Architecture.fromMap(lineage.architecture()).embeddingSize()).isEqualTo(16);
            assertThat(lineage.promotion()).containsEntry("promoted", true).containsEntry("reason", "new_lineage");
            assertThat(lineage.lineage()).containsKey("new_lineage");
            assertThat(out.get(2).promoted).isTrue();
        }
    }

    @Test
    void aChangeThatKeepsTheShapeAppliesFromTheNextBatchOnTheSameModel() throws Exception {
        Random random = new Random(2);
        try (var h = harness()) {
            h.open();
            for (int i = 0; i < 2; i++) {
                h.processElement(new StreamRecord<>(Batches.batch("shoes", 2, 2, random)));
            }
            h.processElement(new StreamRecord<>(stamped(Batches.batch("shoes", 2, 2, random), 4, MS_LOSS)));

            List<ModelRelease> out = h.extractOutputValues();
            assertThat(out).as("no version for the change itself").extracting(r -> r.version + "@" + r.step)
                    .containsExactly("0@0", "1@3");
            assertThat(metadata(out.get(1)).hyperParameters()).containsEntry("loss", "ms");
            assertThat(metadata(out.get(1)).lineage()).doesNotContainKey("new_lineage");
        }
    }

    @Test
    void aRestoreRebuildsEachCatalogWithItsOwnSettings() throws Exception {
        Random random = new Random(3);
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            h.processElement(new StreamRecord<>(seen(9, WIDER)));
            h.processElement(new StreamRecord<>(stamped(Batches.batch("shoes", 2, 2, random), 9, WIDER)));
            snapshot = h.snapshot(1, 1);
        }
        try (var restored = harness()) {
            // under the job's flags (8-d, failing on incompatible state) this restore would fail the job
            restored.initializeState(snapshot);
            restored.open();
            for (int i = 0; i < 2; i++) {
                restored.processElement(new StreamRecord<>(stamped(Batches.batch("shoes", 2, 2, random), 9, WIDER)));
            }
            ModelRelease r = restored.extractOutputValues().get(0);
            assertThat(r.version + "@" + r.step).isEqualTo("1@3");
            assertThat(Architecture.fromMap(metadata(r).architecture()).embeddingSize()).isEqualTo(16);
        }
    }

    /** Four held-out items of two classes, stored as JPEGs as an RGB catalog's default storage keeps them. */
    private static void heldOutJpegs(KeyedOneInputStreamOperatorTestHarness<String, TrainerInput, ModelRelease> h,
            Random random) throws Exception {
        for (int i = 0; i < 4; i++) {
            TrainerInput in = Batches.heldOut("shoes", "held-" + i, i % 2, random);
            in.pixels = StoredImage.encode(new DecodedImage(1, Batches.SIZE, Batches.SIZE, in.pixels), 90);
            h.processElement(new StreamRecord<>(in));
        }
    }

    @Test
    void heldOutItemsStoredAsJpegsSurviveAChangeThatKeepsTheirSize() throws Exception {
        Random random = new Random(4);
        try (var h = harness()) {
            h.open();
            h.processElement(new StreamRecord<>(Batches.batch("shoes", 2, 2, random)));
            heldOutJpegs(h, random);
            // a JPEG's length is not C x S x S: a size rule on lengths would have emptied the set here
            h.processElement(new StreamRecord<>(stamped(Batches.batch("shoes", 2, 2, random), 4, MS_LOSS)));
            h.processElement(new StreamRecord<>(stamped(Batches.batch("shoes", 2, 2, random), 4, MS_LOSS)));

            List<ModelRelease> out = h.extractOutputValues();
            assertThat(out).extracting(r -> r.version + "@" + r.step).containsExactly("0@0", "1@3");
            assertThat(metadata(out.get(1)).evaluation()).containsEntry("held_out_items", 4.0);
        }
    }

    @Test
    void aNewCropStartsANewLineageThatKeepsTheHeldOutItemsStoredAtTheSameSize() throws Exception {
        Random random = new Random(5);
        try (var h = harness()) {
            h.open();
            h.processElement(new StreamRecord<>(Batches.batch("shoes", 2, 2, random)));
            heldOutJpegs(h, random);
            h.processElement(new StreamRecord<>(seen(6, CROP_10)));

            List<ModelRelease> out = h.extractOutputValues();
            assertThat(out).extracting(r -> r.version + "@" + r.step).containsExactly("0@0", "1@0");
            CheckpointMetadata lineage = metadata(out.get(1));
            assertThat(lineage.promotion()).containsEntry("reason", "new_lineage");
            assertThat(Architecture.fromMap(lineage.architecture()).height()).isEqualTo(10);
            assertThat(lineage.evaluation()).as("the stored 12 x 12 squares are cropped to 10 x 10 as they are")
                    .containsEntry("held_out_items", 4.0);
        }
    }
}
