package io.streamsynth.model.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX files byte by byte, as the format describes them, for reader tests. */
final class IdxFixtures {

    private IdxFixtures() {
    }

    static byte[] idx(int magic, int[] dimensions, int[] values) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        for (int dimension : dimensions) {
            out.writeInt(dimension);
        }
        for (int value : values) {
            out.writeByte(value);
        }
        out.flush();
        return bytes.toByteArray();
    }

    static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(plain);
        }
        return bytes.toByteArray();
    }

    static Path write(Path file, byte[] content) throws IOException {
        return Files.write(file, content);
    }
}
