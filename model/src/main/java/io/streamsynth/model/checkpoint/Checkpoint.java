package io.streamsynth.model.checkpoint;

import java.util.Arrays;
import java.util.Objects;

/**
 * A trained model at one point in time: its metadata, its weights and its optimizer state, the
 * latter two as safetensors bytes (weights: parameters by name; optimizer state: moment tensors,
 * with scalars such as the step count in the safetensors metadata).
 *
 * <p>The byte arrays are kept as given rather than copied, because they can be large; callers
 * must not mutate them afterwards. Build new checkpoints with {@link #of}, which records the weights'
 * digest so the metadata and weights cannot disagree.
 */
public record Checkpoint(CheckpointMetadata metadata, byte[] weights, byte[] optimizerState) {

    public Checkpoint {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(optimizerState, "optimizerState");
        if (metadata.weightsSha256() == null) {
            throw new IllegalArgumentException(
                    "checkpoint metadata has no weights_sha256; build the checkpoint with Checkpoint.of");
        }
    }

    /**
     * A checkpoint whose metadata records the SHA-256 of {@code weights}; any digest already in
     * {@code metadata} is replaced.
     */
    public static Checkpoint of(CheckpointMetadata metadata, byte[] weights, byte[] optimizerState) {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(weights, "weights");
        return new Checkpoint(metadata.withWeightsSha256(Sha256.hex(weights)), weights, optimizerState);
    }

    /** The same checkpoint with this lineage; the weights are unchanged, so their digest still holds. */
    public Checkpoint withLineage(java.util.Map<String, Object> lineage) {
        return new Checkpoint(metadata.withLineage(lineage), weights, optimizerState);
    }

    /** The same checkpoint with the preprocessing entry of its metadata set (the weights' digest is unchanged). */
    public Checkpoint withPreprocessing(java.util.Map<String, Object> preprocessing) {
        return new Checkpoint(metadata.withPreprocessing(preprocessing), weights, optimizerState);
    }

    /** The same checkpoint with the promotion gate's decision in its metadata (the weights' digest is unchanged). */
    public Checkpoint withPromotion(java.util.Map<String, Object> promotion) {
        return new Checkpoint(metadata.withPromotion(promotion), weights, optimizerState);
    }

    /**
     * Throws unless the weights hash to the digest the metadata records.
     *
     * @throws CheckpointIntegrityException when they differ
     */
    public void verifyWeights() {
        String actual = Sha256.hex(weights);
        if (!actual.equals(metadata.weightsSha256())) {
            throw new CheckpointIntegrityException(metadata.weightsSha256(), actual);
        }
    }

    /** The weights parsed as tensors by parameter name. */
    public SafeTensors.Contents readWeights() {
        return SafeTensors.read(weights);
    }

    /** The optimizer state parsed as moment tensors plus scalar metadata. */
    public SafeTensors.Contents readOptimizerState() {
        return SafeTensors.read(optimizerState);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Checkpoint that
                && metadata.equals(that.metadata)
                && Arrays.equals(weights, that.weights)
                && Arrays.equals(optimizerState, that.optimizerState);
    }

    @Override
    public int hashCode() {
        return Objects.hash(metadata, Arrays.hashCode(weights), Arrays.hashCode(optimizerState));
    }

    @Override
    public String toString() {
        return "Checkpoint[metadata=" + metadata + ", weights=" + weights.length + " bytes, optimizerState="
                + optimizerState.length + " bytes]";
    }
}
