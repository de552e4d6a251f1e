package io.streamsynth.model.checkpoint;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * A trained model at one point in time: its metadata, its weights and its optimizer state, the
 * latter two as safetensors bytes (weights: parameters by name; optimizer state: moment tensors,
 * with scalars such as the step count in the safetensors metadata). A weights-only copy (see
 * {@link CheckpointCodec#withoutOptimizerState}) has an empty optimizer state.
 *
 * <p>The byte arrays are kept as given rather than copied, because they can be large; callers
 * must not mutate them afterwards. Build new checkpoints with {@link #of}, which records the weights'
 * digest so the metadata and weights cannot disagree.
 *
 * <p><b>One digest per version.</b> Hashing the weights is the costliest thing done to a checkpoint
 * besides training, so a checkpoint remembers that its weights match its digest once that is known:
 * computed by {@link #of}, checked by {@link CheckpointCodec#decode}, or vouched for by
 * {@link CheckpointCodec#decodeTrusted}. {@link #verifyWeights} and {@link CheckpointCodec#encode}
 * then hash nothing; a checkpoint built with the public constructor is checked on first use. The
 * variants ({@link #withLineage} and friends) keep the weights, and with them what is known.
 */
public final class Checkpoint {
    private final CheckpointMetadata metadata;
    private final byte[] weights;
    private final byte[] optimizerState;
    /** The weights are known to hash to the metadata's digest; only ever turns true (the arrays are not mutated). */
    private volatile boolean digestMatches;

    /**
     * @throws IllegalArgumentException when the metadata records no weights digest
     */
    public Checkpoint(CheckpointMetadata metadata, byte[] weights, byte[] optimizerState) {
        this(metadata, weights, optimizerState, false);
    }

    private Checkpoint(CheckpointMetadata metadata, byte[] weights, byte[] optimizerState, boolean digestMatches) {
        this.metadata = Objects.requireNonNull(metadata, "metadata");
        this.weights = Objects.requireNonNull(weights, "weights");
        this.optimizerState = Objects.requireNonNull(optimizerState, "optimizerState");
        if (metadata.weightsSha256() == null) {
            throw new IllegalArgumentException(
                    "checkpoint metadata has no weights_sha256; build the checkpoint with Checkpoint.of");
        }
        this.digestMatches = digestMatches;
    }

    /**
     * A checkpoint whose metadata records the SHA-256 of {@code weights}; any digest already in
     * {@code metadata} is replaced. The only place a new version's weights are hashed.
     */
    public static Checkpoint of(CheckpointMetadata metadata, byte[] weights, byte[] optimizerState) {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(weights, "weights");
        return new Checkpoint(metadata.withWeightsSha256(Sha256.hex(weights)), weights, optimizerState, true);
    }

    /**
     * Bytes whose digest the caller vouches for (they were encoded from a checked checkpoint and have
     * not left the job since); see {@link CheckpointCodec#decodeTrusted}.
     */
    static Checkpoint trusted(CheckpointMetadata metadata, byte[] weights, byte[] optimizerState) {
        return new Checkpoint(metadata, weights, optimizerState, true);
    }

    public CheckpointMetadata metadata() {
        return metadata;
    }

    public byte[] weights() {
        return weights;
    }

    /** The optimizer's moments as safetensors bytes; empty in a weights-only copy. */
    public byte[] optimizerState() {
        return optimizerState;
    }

    /** The same checkpoint with this lineage; the weights are unchanged, so their digest still holds. */
    public Checkpoint withLineage(Map<String, Object> lineage) {
        return new Checkpoint(metadata.withLineage(lineage), weights, optimizerState, digestMatches);
    }

    /** The same checkpoint with the preprocessing entry of its metadata set (the weights' digest is unchanged). */
    public Checkpoint withPreprocessing(Map<String, Object> preprocessing) {
        return new Checkpoint(metadata.withPreprocessing(preprocessing), weights, optimizerState, digestMatches);
    }

    /** The same checkpoint with the promotion gate's decision in its metadata (the weights' digest is unchanged). */
    public Checkpoint withPromotion(Map<String, Object> promotion) {
        return new Checkpoint(metadata.withPromotion(promotion), weights, optimizerState, digestMatches);
    }

    /** Whether the weights hash to the metadata's digest; hashes them only while that is not known yet. */
    public boolean weightsMatchDigest() {
        if (!digestMatches) {
            digestMatches = Sha256.hex(weights).equals(metadata.weightsSha256());
        }
        return digestMatches;
    }

    /**
     * Throws unless the weights hash to the digest the metadata records (hashing only while that is not
     * known yet, see the class comment).
     *
     * @throws CheckpointIntegrityException when they differ
     */
    public void verifyWeights() {
        if (!weightsMatchDigest()) {
            throw new CheckpointIntegrityException(metadata.weightsSha256(), Sha256.hex(weights));
        }
    }

    /** The weights parsed as tensors by parameter name. */
    public SafeTensors.Contents readWeights() {
        return SafeTensors.read(weights);
    }

    /**
     * The optimizer state parsed as moment tensors plus scalar metadata.
     *
     * @throws IllegalArgumentException when this is a weights-only copy, which carries none
     */
    public SafeTensors.Contents readOptimizerState() {
        if (optimizerState.length == 0) {
            throw new IllegalArgumentException("checkpoint of catalog '" + metadata.catalog() + "' version "
                    + metadata.modelVersion() + " is a weights-only copy: it carries no optimizer state to resume "
                    + "training from");
        }
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
