package io.streamsynth.model.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds safetensors bytes from a literal header, so tests can describe malformed files directly. */
final class RawSafeTensors {

    private RawSafeTensors() {
    }

    static byte[] of(String headerJson, int bufferBytes) {
        byte[] header = headerJson.getBytes(StandardCharsets.UTF_8);
        return withDeclaredHeaderSize(header.length, header, new byte[bufferBytes]);
    }

    static byte[] withDeclaredHeaderSize(long declaredSize, byte[] header, byte[] buffer) {
        return ByteBuffer.allocate(Long.BYTES + header.length + buffer.length)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(declaredSize)
                .put(header)
                .put(buffer)
                .array();
    }
}
