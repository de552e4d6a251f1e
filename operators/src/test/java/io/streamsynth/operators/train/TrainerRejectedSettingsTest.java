package io.streamsynth.operators.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.model.checkpoint.CheckpointCodec;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.operators.metrics.RecordedMetrics;
import io.streamsynth.operators.types.ModelRelease;
import io.streamsynth.operators.types.TrainerInput;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * A settings revision the trainer cannot apply (its rebuild throws) is rejected for good: the catalog trains on
 * under the settings its model was saved with, and a restore brings back that model under those settings, not
 * under the rejected ones (which would not fit it and would stop the job for good). A new catalog whose first
 * revision cannot be built is rejected alike and waits, without a model, for a revision that builds.
 */
class TrainerRejectedSettingsTest {
    /** A ResNet-18 over a backbone file that is gone: a new lineage that fails when it reads the file. */
    private static final byte[] GONE = "resnet18 over a missing file".getBytes(StandardCharsets.UTF_8);
    private static final byte[] WIDER = "embedding 16".getBytes(StandardCharsets.UTF_8);
    private static final TrainerSettings FLAGS = Batches.settings(3);
    /** How often the operator asked for the rejected record's settings: a rejected revision is not tried again. */
    private static final AtomicInteger GONE_RESOLVED = new AtomicInteger();

    private static TrainerSettings settingsOf(byte[] record) {
        if (record == null) {
            return FLAGS;
        }
        if (new String(record, StandardCharsets.UTF_8).equals("embedding 16")) {
            Architecture a = Batches.ARCHITECTURE;
            return new TrainerSettings(new Architecture(a.kind(), a.channels(), a.height(), a.width(), 16,
                    a.baseFilters()), FLAGS.training(), FLAGS.seed(), FLAGS.device(), 3, Duration.ofHours(1), 100, 4);
        }
        GONE_RESOLVED.incrementAndGet();
        Architecture resnet = new Architecture(Architecture.Kind.RESNET18, 3, Batches.SIZE, Batches.SIZE, 8, 8);
        return new TrainerSettings(resnet, FLAGS.training(), FLAGS.seed(), FLAGS.device(), 3, Duration.ofHours(1),
                100, 4, "/nonexistent/streamsynth/resnet18.safetensors");
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, TrainerInput, ModelRelease> harness()
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new TrainerOperator(TrainerRejectedSettingsTest::settingsOf), in -> in.catalog, Types.STRING);
    }

    /** The trainer on a task metric group that records what it registers. */
    private static KeyedOneInputStreamOperatorTestHarness<String, TrainerInput, ModelRelease> harness(
            RecordedMetrics metrics) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new TrainerOperator(TrainerRejectedSettingsTest::settingsOf), in -> in.catalog, Types.STRING,
                new MockEnvironmentBuilder().setMetricGroup(metrics.taskGroup()).setMaxParallelism(128).build());
    }

    private static TrainerInput stamped(TrainerInput in, long revision, byte[] settings) {
        in.settingsRevision = revision;
        in.settings = settings;
        return in;
    }

    private static int embeddingSize(ModelRelease r) {
        return Architecture.fromMap(CheckpointCodec.decode(r.checkpoint).metadata().architecture()).embeddingSize();
    }

    @Test
    void aRevisionWhoseRebuildFailsIsRejectedAndARestoreTrainsOnUnderTheOldSettings() throws Exception {
        GONE_RESOLVED.set(0);
        Random random = new Random(7);
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            h.processElement(new StreamRecord<>(Batches.batch("shoes", 2, 2, random)));
            h.processElement(new StreamRecord<>(stamped(Batches.batch("shoes", 2, 2, random), 7, GONE)));
            h.processElement(new StreamRecord<>(stamped(Batches.batch("shoes", 2, 2, random), 7, GONE)));

            assertThat(h.extractOutputValues()).as("the rejected revision's batches train the old model")
                    .extracting(r -> r.version + "@" + r.step).containsExactly("0@0", "1@3");
            assertThat(GONE_RESOLVED).as("tried once, not on every batch of that revision").hasValue(1);
            snapshot = h.snapshot(1, 1);
        }
        try (var restored = harness()) {
            // before the fix the state said revision 7 was applied: this restore met the CNN's snapshot with the
            // ResNet's settings and failed with SuppressRestartsException
            restored.initializeState(snapshot);
            restored.open();
            for (int i = 0; i < 3; i++) {
                restored.processElement(new StreamRecord<>(stamped(Batches.batch("shoes", 2, 2, random), 7, GONE)));
            }
            restored.processElement(new StreamRecord<>(stamped(Batches.batch("shoes", 2, 2, random), 8, WIDER)));

            List<ModelRelease> out = restored.extractOutputValues();
            assertThat(out).extracting(r -> r.version + "@" + r.step).containsExactly("2@6", "3@0");
            assertThat(embeddingSize(out.get(0))).as("trained on under the job's flags").isEqualTo(8);
            assertThat(GONE_RESOLVED).as("the restore remembers the revision as rejected").hasValue(1);
            assertThat(embeddingSize(out.get(1))).as("a newer revision still applies").isEqualTo(16);
        }
    }

    @Test
    void aNewCatalogWhoseFirstSettingsCannotBeBuiltWaitsWithoutAModelForARevisionThatBuilds() throws Exception {
        GONE_RESOLVED.set(0);
        Random random = new Random(8);
        RecordedMetrics metrics = new RecordedMetrics();
        OperatorSubtaskState snapshot;
        try (var h = harness(metrics)) {
            h.open();
            // before the fix the first of these threw out of processElement: the job failed, and every restart
            // met the same input again
            h.processElement(new StreamRecord<>(stamped(Batches.batch("bags", 2, 2, random), 7, GONE)));
            h.processElement(new StreamRecord<>(stamped(Batches.heldOut("bags", "b1", 0, random), 7, GONE)));
            h.processElement(new StreamRecord<>(stamped(Batches.batch("bags", 2, 2, random), 7, GONE)));
            // another catalog, without a record, is not held up by it
            h.processElement(new StreamRecord<>(Batches.batch("shoes", 2, 2, random)));

            assertThat(h.extractOutputValues()).as("nothing published for the rejected catalog")
                    .extracting(r -> r.catalog + " " + r.version + "@" + r.step).containsExactly("shoes 0@0");
            assertThat(GONE_RESOLVED).as("tried once, not on every input of that revision").hasValue(1);
            assertThat(metrics.count("catalogSettingsRejected")).isEqualTo(1);
            assertThat(metrics.count("rejectedInputs")).as("its batches and held-out item are dropped").isEqualTo(3);
            assertThat(metrics.count("steps")).as("only the other catalog's batch trained").isEqualTo(1);
            snapshot = h.snapshot(1, 1);
        }
        // the same max parallelism as the snapshot's harness, so that every key group comes back
        try (var restored = harness(new RecordedMetrics())) {
            restored.initializeState(snapshot);
            restored.open();
            restored.processElement(new StreamRecord<>(stamped(Batches.batch("bags", 2, 2, random), 7, GONE)));
            assertThat(restored.extractOutputValues()).isEmpty();
            assertThat(GONE_RESOLVED).as("the restore remembers the revision as rejected").hasValue(1);

            for (int i = 0; i < 3; i++) {
                restored.processElement(new StreamRecord<>(stamped(Batches.batch("bags", 2, 2, random), 8, WIDER)));
            }
            List<ModelRelease> out = restored.extractOutputValues();
            assertThat(out).as("the first revision that builds starts the catalog at version 0, then trains")
                    .extracting(r -> r.catalog + " " + r.version + "@" + r.step).containsExactly("bags 0@0", "bags 1@3");
            assertThat(out.get(0).promoted).as("cold start: served at once").isTrue();
            assertThat(embeddingSize(out.get(0))).as("under the newer revision's settings").isEqualTo(16);
            assertThat(embeddingSize(out.get(1))).isEqualTo(16);
        }
    }
}
