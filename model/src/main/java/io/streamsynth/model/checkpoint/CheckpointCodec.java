package io.streamsynth.model.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The single-blob wire format of a {@link Checkpoint}, as stored by the model catalog and read by
 * other teams' tooling.
 *
 * <p>All integers are big-endian. The layout is:
 *
 * <pre>
 * offset  size  content
 * 0       4     magic, the ASCII bytes "SSCK"
 * 4       4     container format version, currently 1 (signed 32-bit)
 * 8       8     length M of the metadata section (signed 64-bit, non-negative)
 * 16      M     metadata: UTF-8 JSON, see {@link CheckpointMetadata}
 * 16+M    8     length W of the weights section
 * 24+M    W     weights: a safetensors file of the model parameters by name
 * 24+M+W  8     length S of the optimizer section
 * 32+M+W  S     optimizer state: a safetensors file of moment tensors, scalars in its __metadata__
 * </pre>
 *
 * <p>Nothing may follow the optimizer section. S is 0 in a weights-only copy
 * ({@link #withoutOptimizerState}), which runs the model but cannot resume its training. The metadata's {@code weights_sha256} is the
 * lowercase hex SHA-256 of the W weight bytes exactly as stored, so the weights section can be cut
 * out and verified, or handed to {@code safetensors.torch.load_file}, without re-encoding.
 */
public final class CheckpointCodec {

    public static final int FORMAT_VERSION = 1;

    private static final byte[] MAGIC = "SSCK".getBytes(StandardCharsets.US_ASCII);
    private static final int SECTIONS = 3;
    private static final int FIXED_BYTES = MAGIC.length + Integer.BYTES + SECTIONS * Long.BYTES;

    private CheckpointCodec() {
    }

    /**
     * Encodes a checkpoint, refusing one whose metadata digest does not match its weights, because
     * such a blob would fail verification on every read. Hashes the weights only when the checkpoint
     * does not know its digest to hold already (one built by {@link Checkpoint#of} or decoded knows).
     */
    public static byte[] encode(Checkpoint checkpoint) {
        Objects.requireNonNull(checkpoint, "checkpoint");
        if (!checkpoint.weightsMatchDigest()) {
            throw new IllegalArgumentException("checkpoint metadata records weights_sha256 "
                    + checkpoint.metadata().weightsSha256() + " but its weights hash to "
                    + Sha256.hex(checkpoint.weights()) + "; build the checkpoint with Checkpoint.of");
        }
        byte[] metadata = checkpoint.metadata().toJson();
        long total = (long) FIXED_BYTES + metadata.length + checkpoint.weights().length
                + checkpoint.optimizerState().length;
        if (total > SafeTensorsHeader.MAX_ARRAY_BYTES) {
            throw new IllegalArgumentException("checkpoint needs " + total + " bytes, more than a byte array holds");
        }
        ByteBuffer out = ByteBuffer.allocate((int) total).order(ByteOrder.BIG_ENDIAN);
        out.put(MAGIC).putInt(FORMAT_VERSION);
        putSection(out, metadata);
        putSection(out, checkpoint.weights());
        putSection(out, checkpoint.optimizerState());
        return out.array();
    }

    /**
     * Decodes and verifies a checkpoint.
     *
     * @throws IllegalArgumentException when the bytes are not a well-formed checkpoint
     * @throws CheckpointIntegrityException when the weights do not match the metadata's digest
     */
    public static Checkpoint decode(byte[] bytes) {
        Checkpoint checkpoint = parse(bytes, false);
        checkpoint.verifyWeights();
        return checkpoint;
    }

    /**
     * Decodes without hashing the weights: for bytes this job encoded itself from a checkpoint whose
     * digest was computed then, and that have stayed inside Flink since (a record between operators,
     * operator state). Anything read from Kafka or a file goes through {@link #decode}.
     *
     * @throws IllegalArgumentException when the bytes are not a well-formed checkpoint
     */
    public static Checkpoint decodeTrusted(byte[] bytes) {
        return parse(bytes, true);
    }

    /**
     * The same encoded checkpoint with an empty optimizer section: what a reader that only runs the
     * model needs (the Adam moments are twice the weights' size). Metadata and weights are copied
     * byte for byte, so the metadata's {@code weights_sha256} still holds; nothing is hashed or parsed
     * beyond the section lengths.
     *
     * @throws IllegalArgumentException when the bytes are not a well-formed checkpoint
     */
    public static byte[] withoutOptimizerState(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        readHeader(in, bytes.length);
        skipSection(in, "metadata");
        skipSection(in, "weights");
        int kept = in.position();
        ByteBuffer out = ByteBuffer.allocate(kept + Long.BYTES).order(ByteOrder.BIG_ENDIAN);
        out.put(bytes, 0, kept).putLong(0);
        return out.array();
    }

    private static Checkpoint parse(byte[] bytes, boolean trusted) {
        Objects.requireNonNull(bytes, "bytes");
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        readHeader(in, bytes.length);
        byte[] metadataJson = takeSection(in, "metadata");
        byte[] weights = takeSection(in, "weights");
        byte[] optimizerState = takeSection(in, "optimizer state");
        if (in.hasRemaining()) {
            throw new IllegalArgumentException(
                    "checkpoint has " + in.remaining() + " unexpected bytes after the optimizer state section");
        }
        CheckpointMetadata metadata = CheckpointMetadata.fromJson(metadataJson);
        return trusted ? Checkpoint.trusted(metadata, weights, optimizerState)
                : new Checkpoint(metadata, weights, optimizerState);
    }

    private static void readHeader(ByteBuffer in, int length) {
        if (length < MAGIC.length + Integer.BYTES) {
            throw new IllegalArgumentException("checkpoint is " + length
                    + " bytes, too short for the magic and format version");
        }
        byte[] magic = new byte[MAGIC.length];
        in.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IllegalArgumentException("not a streamsynth checkpoint: expected magic \"SSCK\", found "
                    + "0x" + HexFormat.of().formatHex(magic));
        }
        int version = in.getInt();
        if (version != FORMAT_VERSION) {
            throw new IllegalArgumentException("unsupported checkpoint format version " + version
                    + "; this reader understands version " + FORMAT_VERSION);
        }
    }

    /**
     * The metadata of an encoded checkpoint, without verifying its weights (a reader choosing among
     * checkpoints by their metadata verifies the one it chose with {@link #decode}).
     *
     * @throws IllegalArgumentException when the bytes are not a well-formed checkpoint
     */
    public static CheckpointMetadata readMetadata(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length < MAGIC.length + Integer.BYTES
                || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
            throw new IllegalArgumentException("not a streamsynth checkpoint: expected magic \"SSCK\"");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        in.position(MAGIC.length);
        int version = in.getInt();
        if (version != FORMAT_VERSION) {
            throw new IllegalArgumentException("unsupported checkpoint format version " + version
                    + "; this reader understands version " + FORMAT_VERSION);
        }
        return CheckpointMetadata.fromJson(takeSection(in, "metadata"));
    }

    private static void putSection(ByteBuffer out, byte[] section) {
        out.putLong(section.length).put(section);
    }

    private static void skipSection(ByteBuffer in, String name) {
        int length = sectionLength(in, name);
        in.position(in.position() + length);
    }

    /** Reads one length-prefixed section, checking the length against what is left before allocating. */
    private static byte[] takeSection(ByteBuffer in, String name) {
        byte[] section = new byte[sectionLength(in, name)];
        in.get(section);
        return section;
    }

    private static int sectionLength(ByteBuffer in, String name) {
        if (in.remaining() < Long.BYTES) {
            throw new IllegalArgumentException("checkpoint is truncated: no length for the " + name + " section");
        }
        long length = in.getLong();
        if (length < 0 || length > in.remaining()) {
            throw new IllegalArgumentException("checkpoint is truncated or corrupt: the " + name + " section claims "
                    + length + " bytes but " + in.remaining() + " remain");
        }
        return (int) length;
    }
}
