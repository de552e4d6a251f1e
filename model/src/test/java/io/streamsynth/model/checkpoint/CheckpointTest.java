package io.streamsynth.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CheckpointTest {

    @Test
    void ofRecordsTheDigestOfTheWeights() {
        byte[] weights = TestCheckpoints.weights();

        Checkpoint checkpoint = Checkpoint.of(TestCheckpoints.metadataWithoutSha(), weights,
                TestCheckpoints.optimizerState());

        assertThat(checkpoint.metadata().weightsSha256()).isEqualTo(Sha256.hex(weights));
    }

    @Test
    void ofReplacesAStaleDigest() {
        CheckpointMetadata stale = TestCheckpoints.metadataWithoutSha().withWeightsSha256("0".repeat(64));

        Checkpoint checkpoint = Checkpoint.of(stale, TestCheckpoints.weights(), TestCheckpoints.optimizerState());

        checkpoint.verifyWeights();
    }

    @Test
    void refusesMetadataWithoutADigest() {
        assertThatThrownBy(() -> new Checkpoint(TestCheckpoints.metadataWithoutSha(), TestCheckpoints.weights(),
                TestCheckpoints.optimizerState()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Checkpoint.of");
    }

    @Test
    void equalityComparesByteContents() {
        assertThat(TestCheckpoints.checkpoint()).isEqualTo(TestCheckpoints.checkpoint());
        assertThat(TestCheckpoints.checkpoint()).hasSameHashCodeAs(TestCheckpoints.checkpoint());
    }

    @Test
    void exposesWeightsAndOptimizerStateAsTensors() {
        Checkpoint checkpoint = TestCheckpoints.checkpoint();

        assertThat(checkpoint.readWeights().tensors().keySet()).containsExactly("layer0.weight", "layer0.bias");
        assertThat(checkpoint.readOptimizerState().metadata()).containsEntry("adam_step", "1200");
    }

    @Test
    void verifyWeightsNamesBothDigestsWhenTheyDiffer() {
        Checkpoint original = TestCheckpoints.checkpoint();
        String recorded = original.metadata().weightsSha256();
        byte[] weights = original.weights().clone();
        weights[weights.length - 1] ^= 1;
        Checkpoint checkpoint = new Checkpoint(original.metadata(), weights, original.optimizerState());

        assertThatThrownBy(checkpoint::verifyWeights)
                .isInstanceOfSatisfying(CheckpointIntegrityException.class, e -> {
                    assertThat(e.expectedSha256()).isEqualTo(recorded);
                    assertThat(e.actualSha256()).isEqualTo(Sha256.hex(checkpoint.weights()));
                });
    }
}
