package io.streamsynth.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CheckpointCodecTest {

    @Test
    void decodingAnEncodedCheckpointGivesItBack() {
        Checkpoint original = TestCheckpoints.checkpoint();

        assertThat(CheckpointCodec.decode(CheckpointCodec.encode(original))).isEqualTo(original);
    }

    @Test
    void layoutIsMagicVersionThenThreeLengthPrefixedSections() {
        Checkpoint checkpoint = TestCheckpoints.checkpoint();

        ByteBuffer blob = ByteBuffer.wrap(CheckpointCodec.encode(checkpoint));

        byte[] magic = new byte[4];
        blob.get(magic);
        assertThat(new String(magic, StandardCharsets.US_ASCII)).isEqualTo("SSCK");
        assertThat(blob.getInt()).isEqualTo(1);
        byte[] metadata = new byte[(int) blob.getLong()];
        blob.get(metadata);
        assertThat(metadata).isEqualTo(checkpoint.metadata().toJson());
        byte[] weights = new byte[(int) blob.getLong()];
        blob.get(weights);
        assertThat(weights).isEqualTo(checkpoint.weights());
        byte[] optimizer = new byte[(int) blob.getLong()];
        blob.get(optimizer);
        assertThat(optimizer).isEqualTo(checkpoint.optimizerState());
        assertThat(blob.hasRemaining()).isFalse();
    }

    @Test
    void tamperingWithOneWeightByteIsDetected() {
        Checkpoint checkpoint = TestCheckpoints.checkpoint();
        byte[] blob = CheckpointCodec.encode(checkpoint);
        int lastWeightByte = weightsSectionStart(checkpoint) + checkpoint.weights().length - 1;
        blob[lastWeightByte] ^= 0x01;

        assertThatThrownBy(() -> CheckpointCodec.decode(blob))
                .isInstanceOf(CheckpointIntegrityException.class)
                .hasMessageContaining("altered or corrupted")
                .hasMessageContaining(checkpoint.metadata().weightsSha256());
    }

    @Test
    void everyTruncationIsRejected() {
        byte[] blob = CheckpointCodec.encode(TestCheckpoints.checkpoint());

        for (int length = 0; length < blob.length; length++) {
            byte[] truncated = Arrays.copyOf(blob, length);
            assertThatThrownBy(() -> CheckpointCodec.decode(truncated))
                    .as("truncated to %d bytes", length)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageMatching("checkpoint is (\\d+ bytes, too short|truncated).*");
        }
    }

    @Test
    void rejectsAWrongMagic() {
        byte[] blob = CheckpointCodec.encode(TestCheckpoints.checkpoint());
        blob[0] = 'X';

        assertThatThrownBy(() -> CheckpointCodec.decode(blob))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a streamsynth checkpoint");
    }

    @Test
    void rejectsAnUnknownFormatVersion() {
        byte[] blob = CheckpointCodec.encode(TestCheckpoints.checkpoint());
        blob[7] = 2;

        assertThatThrownBy(() -> CheckpointCodec.decode(blob))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unsupported checkpoint format version 2");
    }

    @Test
    void rejectsASectionLengthLargerThanTheInput() {
        byte[] blob = CheckpointCodec.encode(TestCheckpoints.checkpoint());
        ByteBuffer.wrap(blob).putLong(8, Long.MAX_VALUE);

        assertThatThrownBy(() -> CheckpointCodec.decode(blob))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("metadata section claims " + Long.MAX_VALUE + " bytes");
    }

    @Test
    void rejectsANegativeSectionLength() {
        byte[] blob = CheckpointCodec.encode(TestCheckpoints.checkpoint());
        ByteBuffer.wrap(blob).putLong(8, -1);

        assertThatThrownBy(() -> CheckpointCodec.decode(blob))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("metadata section claims -1 bytes");
    }

    @Test
    void rejectsBytesAfterTheLastSection() {
        byte[] blob = CheckpointCodec.encode(TestCheckpoints.checkpoint());
        byte[] padded = Arrays.copyOf(blob, blob.length + 3);

        assertThatThrownBy(() -> CheckpointCodec.decode(padded))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 unexpected bytes after the optimizer state section");
    }

    @Test
    void refusesToEncodeWeightsThatDoNotMatchTheRecordedDigest() {
        Checkpoint checkpoint = TestCheckpoints.checkpoint();
        Checkpoint mismatched = new Checkpoint(checkpoint.metadata(), TestCheckpoints.optimizerState(),
                checkpoint.optimizerState());

        assertThatThrownBy(() -> CheckpointCodec.encode(mismatched))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Checkpoint.of");
    }

    @Test
    void aWeightsOnlyCopyKeepsMetadataAndWeightsByteForByteAndRefusesToResumeTraining() {
        Checkpoint checkpoint = TestCheckpoints.checkpoint();
        byte[] blob = CheckpointCodec.encode(checkpoint);

        byte[] lean = CheckpointCodec.withoutOptimizerState(blob);

        assertThat(lean).hasSize(blob.length - checkpoint.optimizerState().length);
        assertThat(Arrays.copyOf(lean, lean.length - 8)).isEqualTo(Arrays.copyOf(blob, lean.length - 8));
        Checkpoint copy = CheckpointCodec.decode(lean);
        assertThat(copy.metadata()).isEqualTo(checkpoint.metadata());
        assertThat(copy.weights()).isEqualTo(checkpoint.weights());
        assertThat(copy.optimizerState()).isEmpty();
        assertThatThrownBy(copy::readOptimizerState)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("weights-only copy");
        assertThatThrownBy(() -> CheckpointCodec.withoutOptimizerState(Arrays.copyOf(blob, 30)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void decodeChecksTheWeightsDigestAndDecodeTrustedLeavesThatToTheEncoder() {
        Checkpoint checkpoint = TestCheckpoints.checkpoint();
        byte[] blob = CheckpointCodec.encode(checkpoint);
        blob[weightsSectionStart(checkpoint)] ^= 1;

        assertThatThrownBy(() -> CheckpointCodec.decode(blob)).isInstanceOf(CheckpointIntegrityException.class);
        // trusted bytes are not hashed, so the flip goes unseen: only for bytes the job itself encoded
        assertThat(CheckpointCodec.decodeTrusted(blob).weights()).isNotEqualTo(checkpoint.weights());
    }

    private static int weightsSectionStart(Checkpoint checkpoint) {
        return 4 + 4 + 8 + checkpoint.metadata().toJson().length + 8;
    }
}
