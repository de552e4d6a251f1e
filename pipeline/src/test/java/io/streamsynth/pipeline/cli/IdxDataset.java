package io.streamsynth.pipeline.cli;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * A small Fashion-MNIST look-alike written as the four gzipped IDX files: image i of a split has
 * label i % 10 and pixels that depend on i, so every image can be recognised after a round trip
 * (public: the bench module's tests use it through this module's test jar).
 */
public final class IdxDataset {
    static final int SIDE = 28;
    private static final int IMAGES_MAGIC = 0x00000803;
    private static final int LABELS_MAGIC = 0x00000801;

    private IdxDataset() {}

    public static void write(Path dir, int trainImages, int testImages) throws IOException {
        writeSplit(dir, "train", trainImages);
        writeSplit(dir, "t10k", testImages);
    }

    static int label(int index) {
        return index % 10;
    }

    /** The unsigned pixel bytes of image {@code index}, row-major. */
    static byte[] pixels(int index) {
        byte[] p = new byte[SIDE * SIDE];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) ((index * 7 + i * 3) % 256);
        }
        return p;
    }

    private static void writeSplit(Path dir, String prefix, int count) throws IOException {
        ByteArrayOutputStream images = new ByteArrayOutputStream();
        DataOutputStream img = new DataOutputStream(images);
        img.writeInt(IMAGES_MAGIC);
        img.writeInt(count);
        img.writeInt(SIDE);
        img.writeInt(SIDE);
        ByteArrayOutputStream labels = new ByteArrayOutputStream();
        DataOutputStream lab = new DataOutputStream(labels);
        lab.writeInt(LABELS_MAGIC);
        lab.writeInt(count);
        for (int i = 0; i < count; i++) {
            img.write(pixels(i));
            lab.writeByte(label(i));
        }
        gzip(dir.resolve(prefix + "-images-idx3-ubyte.gz"), images.toByteArray());
        gzip(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), labels.toByteArray());
    }

    private static void gzip(Path file, byte[] content) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(content);
        }
    }
}
