package io.streamsynth.operators.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.streamsynth.model.checkpoint.Checkpoint;
import io.streamsynth.model.checkpoint.CheckpointCodec;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.runtime.DeviceSpec;
import io.streamsynth.model.train.TrainingConfig;
import io.streamsynth.operators.types.ModelRelease;
import io.streamsynth.operators.types.TrainerInput;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.executiongraph.failover.ExecutionFailureHandler;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A savepoint restored under changed settings, through Flink's operator harness: a state the
 * configured network or optimizer cannot take fails the job once with an error Flink does not
 * retry, or starts a new lineage; a changed learning rate or publish cadence just applies.
 */
@Timeout(120)
class IncompatibleRestoreTest {
    private static final TrainingConfig ADAM = new TrainingConfig("triplet", Float.NaN, "ee", 2, "adam", 1e-2f, 0.9f, 0f);
    private static final TrainingConfig SGD = new TrainingConfig("triplet", Float.NaN, "ee", 2, "sgd", 1e-2f, 0.9f, 0f);

    /** Version 2 at step 4 of catalog "shoes", trained with embedding size 8 and Adam. */
    private static OperatorSubtaskState savepoint;
    private static String savedWeightsSha;

    @BeforeAll
    static void takeSavepoint() throws Exception {
        Random random = new Random(11);
        try (var h = harness(settings(Batches.ARCHITECTURE, ADAM, 2))) {
            h.open();
            for (int i = 0; i < 4; i++) {
                h.processElement(new StreamRecord<>(Batches.batch("shoes", 2, 2, random)));
            }
            savepoint = h.snapshot(1, 1);
            List<ModelRelease> out = h.extractOutputValues();
            savedWeightsSha = CheckpointCodec.decode(out.get(out.size() - 1).checkpoint).metadata().weightsSha256();
        }
    }

    private static TrainerSettings settings(Architecture architecture, TrainingConfig training, int every) {
        return new TrainerSettings(architecture, training, 5, DeviceSpec.parse("cpu"), every, Duration.ofHours(1),
                100, 4);
    }

    private static Architecture withEmbeddingSize(int size) {
        Architecture a = Batches.ARCHITECTURE;
        return new Architecture(a.kind(), a.channels(), a.height(), a.width(), size, a.baseFilters());
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, TrainerInput, ModelRelease> harness(
            TrainerSettings settings) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(new TrainerOperator(settings), in -> in.catalog,
                Types.STRING);
    }

    @Test
    void anotherEmbeddingSizeUnderFailStopsTheJobOnceWithAnErrorFlinkDoesNotRetry() throws Exception {
        Throwable thrown;
        try (var h = harness(settings(withEmbeddingSize(16), ADAM, 2))) {
            h.initializeState(savepoint);
            thrown = catchThrowable(h::open);
        }

        assertThat(thrown).isNotNull();
        assertThat(ExecutionFailureHandler.isUnrecoverableError(thrown)).as("non-recoverable for Flink").isTrue();
        assertThat(thrown).isInstanceOf(SuppressRestartsException.class)
                .hasRootCauseInstanceOf(IncompatibleStateException.class);
        assertThat(thrown.getCause().getMessage()).contains("catalog 'shoes'", "-> 8 (--embedding-size)",
                "-> 16 (--embedding-size)", "--on-incompatible-state new-lineage");
    }

    @Test
    void anotherHeadPoolingUnderFailNamesBothPoolings() throws Exception {
        Architecture saved = Batches.ARCHITECTURE;
        Architecture other = saved.withPooling(saved.pooling() == Architecture.Pooling.AVG ? Architecture.Pooling.GEM
                : Architecture.Pooling.AVG);
        Throwable thrown;
        try (var h = harness(settings(other, ADAM, 2))) {
            h.initializeState(savepoint);
            thrown = catchThrowable(h::open);
        }

        assertThat(ExecutionFailureHandler.isUnrecoverableError(thrown)).isTrue();
        assertThat(thrown.getCause().getMessage()).contains(
                saved.pooling().name().toLowerCase(java.util.Locale.ROOT) + " pooling (--pooling)",
                other.pooling().name().toLowerCase(java.util.Locale.ROOT) + " pooling (--pooling)");
    }

    @Test
    void anotherOptimizerUnderFailNamesBothOptimizers() throws Exception {
        Throwable thrown;
        try (var h = harness(settings(Batches.ARCHITECTURE, SGD, 2))) {
            h.initializeState(savepoint);
            thrown = catchThrowable(h::open);
        }

        assertThat(ExecutionFailureHandler.isUnrecoverableError(thrown)).isTrue();
        assertThat(thrown.getCause().getMessage()).contains("the restored optimizer state is adam's",
                "--optimizer sgd");
    }

    @Test
    void anotherEmbeddingSizeUnderNewLineageStartsTheModelAnewAndRecordsWhy() throws Exception {
        Random random = new Random(12);
        TrainerSettings settings = settings(withEmbeddingSize(16), ADAM, 2)
                .withOnIncompatibleState(IncompatibleStatePolicy.NEW_LINEAGE);
        try (var h = harness(settings)) {
            h.initializeState(savepoint);
            h.open();
            for (int i = 0; i < 4; i++) {
                h.processElement(new StreamRecord<>(Batches.batch("shoes", 2, 2, random)));
            }
            List<ModelRelease> out = h.extractOutputValues();

            // versions go on from the savepoint's 2, so consumers of the newest version follow; steps start over
            assertThat(out).extracting(r -> r.version + "@" + r.step).containsExactly("3@2", "4@4");
            Checkpoint first = CheckpointCodec.decode(out.get(0).checkpoint);
            assertThat(first.metadata().architecture()).containsEntry("embedding_size", 16);
            // the served version's network differs: nothing to compare with, so the new network is served
            assertThat(first.metadata().promotion()).containsEntry("promoted", true)
                    .containsEntry("reason", "new_lineage");
            assertThat(out.get(1).promoted).as("then the gate applies again (hour-long interval)").isFalse();
            @SuppressWarnings("unchecked")
            Map<String, Object> lineage = (Map<String, Object>) first.metadata().lineage()
                    .get(CatalogTrainer.NEW_LINEAGE_KEY);
            assertThat(lineage).containsEntry("previous_weights_sha256", savedWeightsSha)
                    .containsEntry("previous_model_version", 2).containsEntry("previous_step", 4);
            assertThat((String) lineage.get("reason")).contains("-> 8 (--embedding-size)", "-> 16 (--embedding-size)");
            assertThat(first.metadata().lineage()).doesNotContainKey("resumed_from_weights_sha256");
            assertThat(CheckpointCodec.decode(out.get(1).checkpoint).metadata().lineage())
                    .doesNotContainKey(CatalogTrainer.NEW_LINEAGE_KEY);

            // the new lineage is what the next checkpoint holds: restoring it again resumes, not restarts
            OperatorSubtaskState again = h.snapshot(2, 2);
            try (var resumed = harness(settings)) {
                resumed.initializeState(again);
                resumed.open();
                resumed.processElement(new StreamRecord<>(Batches.batch("shoes", 2, 2, random)));
                resumed.processElement(new StreamRecord<>(Batches.batch("shoes", 2, 2, random)));
                Checkpoint next = CheckpointCodec.decode(resumed.extractOutputValues().get(0).checkpoint);
                assertThat(next.metadata().modelVersion()).isEqualTo(5);
                assertThat(next.metadata().step()).isEqualTo(6);
                assertThat(next.metadata().lineage()).containsKey("resumed_from_weights_sha256");
            }
        }
    }

    @Test
    void aChangedLearningRateAndPublishCadenceAreCompatibleAndApply() throws Exception {
        Random random = new Random(13);
        TrainingConfig slower = new TrainingConfig("triplet", Float.NaN, "ee", 2, "adam", 1e-3f, 0.9f, 0f);
        try (var h = harness(settings(Batches.ARCHITECTURE, slower, 3))) {
            h.initializeState(savepoint);
            h.open();
            for (int i = 0; i < 3; i++) {
                h.processElement(new StreamRecord<>(Batches.batch("shoes", 2, 2, random)));
            }
            List<ModelRelease> out = h.extractOutputValues();

            assertThat(out).extracting(r -> r.version + "@" + r.step).containsExactly("3@7");
            Checkpoint c = CheckpointCodec.decode(out.get(0).checkpoint);
            assertThat(c.metadata().lineage()).containsEntry("resumed_from_weights_sha256", savedWeightsSha)
                    .doesNotContainKey(CatalogTrainer.NEW_LINEAGE_KEY);
            assertThat(((Number) c.metadata().hyperParameters().get("learning_rate")).doubleValue())
                    .isEqualTo(1e-3f, org.assertj.core.data.Offset.offset(1e-9));
        }
    }
}
