package io.streamsynth.operators.train;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bytes one catalog's trainer is kept in, in Flink's keyed state. Big-endian, as
 * {@link DataOutputStream} writes:
 *
 * <pre>
 * int     magic "SSTR"
 * int     format: 2 (1, without the gate and the promoted weights, is still read)
 * long    version published last, -1 before the first
 * long    steps since that version;  long  when it was published (ms)
 * long    earliest ingest time among the samples trained since (0: none)
 * int n, then n x (UTF name, double value): the last evaluation's figures
 * int len, then len bytes: the model and optimizer state, an encoded checkpoint (CheckpointCodec)
 * the held-out set ({@link HeldOutSet#write})
 * format 2: the promotion gate ({@link PromotionGate#write}), then boolean "promoted weights follow",
 *           and if so int len, then len bytes: the promoted weights (safetensors)
 * </pre>
 */
final class TrainerSnapshotFormat {
    private static final int MAGIC = 0x53535452; // "SSTR"
    /** 2 added the promotion gate and the promoted weights. */
    static final int FORMAT = 2;

    /** What precedes the held-out set. {@code format} is the one read; writing always writes {@link #FORMAT}. */
    record Head(int format, long version, long stepsSincePublish, long lastPublishMillis, long oldestUnpublishedFresh,
            Map<String, Double> evaluation, byte[] checkpoint) {}

    private TrainerSnapshotFormat() {}

    static void writeHead(DataOutputStream out, Head head) throws IOException {
        out.writeInt(MAGIC);
        out.writeInt(FORMAT);
        out.writeLong(head.version());
        out.writeLong(head.stepsSincePublish());
        out.writeLong(head.lastPublishMillis());
        out.writeLong(head.oldestUnpublishedFresh());
        out.writeInt(head.evaluation().size());
        for (Map.Entry<String, Double> e : head.evaluation().entrySet()) {
            out.writeUTF(e.getKey());
            out.writeDouble(e.getValue());
        }
        out.writeInt(head.checkpoint().length);
        out.write(head.checkpoint());
    }

    /** @throws IOException when the bytes are not a trainer snapshot of a known format */
    static Head readHead(DataInputStream in) throws IOException {
        if (in.readInt() != MAGIC) {
            throw new IOException("not a trainer snapshot");
        }
        int format = in.readInt();
        if (format != 1 && format != FORMAT) {
            throw new IOException("trainer snapshot format " + format + " is not supported");
        }
        long version = in.readLong();
        long steps = in.readLong();
        long lastPublish = in.readLong();
        long oldestFresh = in.readLong();
        int figures = in.readInt();
        Map<String, Double> evaluation = new LinkedHashMap<>();
        for (int i = 0; i < figures; i++) {
            evaluation.put(in.readUTF(), in.readDouble());
        }
        byte[] checkpoint = new byte[in.readInt()];
        in.readFully(checkpoint);
        return new Head(format, version, steps, lastPublish, oldestFresh, evaluation, checkpoint);
    }

    /** The promoted weights (safetensors), or null when there are none; follows the gate. */
    static void writePromoted(DataOutputStream out, byte[] promoted) throws IOException {
        out.writeBoolean(promoted != null);
        if (promoted != null) {
            out.writeInt(promoted.length);
            out.write(promoted);
        }
    }

    /**
     * Reads the gate's state into {@code gate} and returns the promoted weights, or null when there are
     * none; a format-1 snapshot has neither, so its next candidate is promoted as the first version.
     */
    static byte[] readGateAndPromoted(DataInputStream in, int format, PromotionGate gate) throws IOException {
        if (format < 2) {
            return null;
        }
        gate.read(in);
        if (!in.readBoolean()) {
            return null;
        }
        byte[] promoted = new byte[in.readInt()];
        in.readFully(promoted);
        return promoted;
    }
}
