package io.streamsynth.model.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Reads and writes the safetensors format, so weights written here load with Hugging Face's
 * {@code safetensors.torch.load_file} and vice versa.
 *
 * <p>Layout: an 8-byte little-endian unsigned header size {@code N}, then {@code N} bytes of UTF-8
 * JSON mapping each tensor name to {@code {"dtype", "shape", "data_offsets": [begin, end]}} (plus an
 * optional {@code "__metadata__"} object of string values), then the byte buffer. Offsets are
 * relative to the start of the byte buffer and the tensors tile it exactly, without gaps or overlap.
 * Tensors are written as little-endian float32 ({@code F32}); reading also accepts {@code F16} and
 * {@code BF16}, widened exactly to float32.
 */
public final class SafeTensors {

    private SafeTensors() {
    }

    /** What a safetensors file holds: tensors in byte-buffer order, and the free-form metadata. */
    public record Contents(LinkedHashMap<String, Tensor> tensors, Map<String, String> metadata) {

        public Contents {
            tensors = new LinkedHashMap<>(tensors);
            metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        }

        /** Returns a copy, so the read result cannot be changed from outside. */
        @Override
        public LinkedHashMap<String, Tensor> tensors() {
            return new LinkedHashMap<>(tensors);
        }

        /**
         * The tensor called {@code name}.
         *
         * @throws IllegalArgumentException when there is none, naming the tensors there are
         */
        public Tensor tensor(String name) {
            Tensor tensor = tensors.get(name);
            if (tensor == null) {
                throw new IllegalArgumentException(
                        "no tensor named '" + name + "'; the file holds " + tensors.keySet());
            }
            return tensor;
        }
    }

    /**
     * Serialises {@code tensors} in their iteration order, which callers rely on as parameter order,
     * with {@code metadata} as the header's {@code __metadata__} (left out when empty, as the reference
     * writer does for absent metadata).
     */
    public static byte[] write(LinkedHashMap<String, Tensor> tensors, Map<String, String> metadata) {
        Objects.requireNonNull(tensors, "tensors");
        Objects.requireNonNull(metadata, "metadata");
        byte[] header = SafeTensorsHeader.render(tensors, metadata);
        long bufferBytes = 0;
        for (Tensor tensor : tensors.values()) {
            bufferBytes += (long) tensor.data().length * Float.BYTES;
        }
        long total = SafeTensorsHeader.SIZE_PREFIX_BYTES + header.length + bufferBytes;
        if (total > SafeTensorsHeader.MAX_ARRAY_BYTES) {
            throw new IllegalArgumentException(
                    "tensors need " + total + " bytes, more than a Java byte array can hold");
        }
        byte[] out = new byte[(int) total];
        ByteBuffer buffer = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(header.length);
        buffer.put(header);
        // Offsets were assigned contiguously in this same order, so one float view covers them all.
        FloatBuffer floats = buffer.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        for (Tensor tensor : tensors.values()) {
            floats.put(tensor.data());
        }
        return out;
    }

    /**
     * Parses safetensors bytes, validating the header against the input before allocating anything
     * sized from it.
     *
     * @throws IllegalArgumentException naming what is wrong when the input is not a well-formed
     *     safetensors file of F32, F16 or BF16 tensors
     */
    public static Contents read(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length < SafeTensorsHeader.SIZE_PREFIX_BYTES) {
            throw new IllegalArgumentException("safetensors input is " + bytes.length
                    + " bytes, too short for the 8-byte header size");
        }
        long headerSize = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        long available = bytes.length - SafeTensorsHeader.SIZE_PREFIX_BYTES;
        // The size is unsigned on the wire; comparing unsigned also rejects values past 2^63.
        if (Long.compareUnsigned(headerSize, available) > 0) {
            throw new IllegalArgumentException("safetensors header size " + Long.toUnsignedString(headerSize)
                    + " is larger than the " + available + " bytes of input after the size field");
        }
        int dataStart = SafeTensorsHeader.SIZE_PREFIX_BYTES + (int) headerSize;
        int bufferLength = bytes.length - dataStart;
        SafeTensorsHeader header = SafeTensorsHeader.parse(
                bytes, SafeTensorsHeader.SIZE_PREFIX_BYTES, (int) headerSize, bufferLength);

        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
        for (SafeTensorsHeader.Entry entry : header.entriesInBufferOrder()) {
            int byteLength = (int) (entry.end() - entry.begin());
            ByteBuffer raw = ByteBuffer.wrap(bytes, dataStart + (int) entry.begin(), byteLength)
                    .order(ByteOrder.LITTLE_ENDIAN);
            float[] data = new float[byteLength / entry.dtype().bytes];
            switch (entry.dtype()) {
                case F32 -> raw.asFloatBuffer().get(data);
                case F16 -> {
                    for (int i = 0; i < data.length; i++) {
                        data[i] = HalfFloats.fromHalf(raw.getShort());
                    }
                }
                case BF16 -> {
                    for (int i = 0; i < data.length; i++) {
                        data[i] = Float.intBitsToFloat((raw.getShort() & 0xffff) << 16);
                    }
                }
            }
            tensors.put(entry.name(), new Tensor(entry.shape(), data));
        }
        return new Contents(tensors, header.metadata());
    }
}
