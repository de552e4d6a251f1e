package io.streamsynth.operators.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BatchPolicyTest {

    @Test
    void defaultsBoundTheBuffersAndTriggerEveryHalfBatchOfFreshSamples() {
        BatchPolicy policy = BatchPolicy.of(4, 8, 7L);

        assertThat(policy.maxSamplesPerClass()).isEqualTo(256);
        assertThat(policy.maxClasses()).isEqualTo(1000);
        assertThat(policy.freshPerBatch()).isEqualTo(16);
        assertThat(policy.batchSize()).isEqualTo(32);
        assertThat(policy.seed()).isEqualTo(7L);
    }

    @Test
    void defaultsGrowWithBatchesLargerThanTheDefaultBounds() {
        BatchPolicy policy = BatchPolicy.of(1200, 300, 0L);

        assertThat(policy.maxSamplesPerClass()).isEqualTo(300);
        assertThat(policy.maxClasses()).isEqualTo(1200);
    }

    @Test
    void rejectsFewerThanTwoClassesPerBatch() {
        assertThatThrownBy(() -> new BatchPolicy(1, 4, 256, 1000, 2, 0L))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("classesPerBatch");
    }

    @Test
    void rejectsFewerThanTwoSamplesPerClass() {
        assertThatThrownBy(() -> new BatchPolicy(4, 1, 256, 1000, 2, 0L))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("samplesPerClass");
    }

    @Test
    void rejectsAClassBufferSmallerThanK() {
        assertThatThrownBy(() -> new BatchPolicy(4, 8, 7, 1000, 2, 0L))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxSamplesPerClass");
    }

    @Test
    void rejectsFewerBufferedClassesThanP() {
        assertThatThrownBy(() -> new BatchPolicy(4, 8, 256, 3, 2, 0L))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxClasses");
    }

    @Test
    void rejectsAFreshThresholdBelowOne() {
        assertThatThrownBy(() -> BatchPolicy.of(4, 8, 0L).withFreshPerBatch(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("freshPerBatch");
    }

    @Test
    void rejectsAFreshThresholdTheBuffersCouldNeverHold() {
        assertThatThrownBy(() -> new BatchPolicy(2, 2, 2, 2, 5, 0L))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("freshPerBatch");
    }

    @Test
    void reservesNoPlaceForReplayClassesByDefault() {
        assertThat(BatchPolicy.of(4, 8, 7L).replayClassesPerBatch()).isEqualTo(BatchPolicy.DEFAULT_REPLAY_CLASSES_PER_BATCH);
        assertThat(BatchPolicy.of(4, 8, 7L).withReplayClassesPerBatch(3).replayClassesPerBatch()).isEqualTo(3);
    }

    @Test
    void rejectsReplayPlacesThatLeaveNoPlaceForFreshSamples() {
        assertThatThrownBy(() -> BatchPolicy.of(4, 8, 0L).withReplayClassesPerBatch(4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replayClassesPerBatch");
        assertThatThrownBy(() -> BatchPolicy.of(4, 8, 0L).withReplayClassesPerBatch(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replayClassesPerBatch");
    }
}
