package io.streamsynth.model.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reader for the IDX files that MNIST and Fashion-MNIST ship in: a big-endian magic number whose
 * third byte is the element type and fourth the number of dimensions, the dimension sizes, then
 * the elements. Only unsigned bytes are supported, which is all those datasets use.
 */
public final class IdxFile {

    /** Unsigned bytes, three dimensions: images x rows x columns. */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Unsigned bytes, one dimension: labels. */
    public static final int LABELS_MAGIC = 0x00000801;

    private IdxFile() {
    }

    /** Images as stored: unsigned pixel bytes, row-major count x rows x columns. */
    public record Images(int count, int rows, int columns, byte[] pixels) {
    }

    public static Images readImages(Path file) throws IOException {
        Contents contents = read(file, IMAGES_MAGIC);
        int[] dims = contents.dimensions;
        return new Images(dims[0], dims[1], dims[2], contents.data);
    }

    /** Labels as ints in [0, 255]. */
    public static int[] readLabels(Path file) throws IOException {
        byte[] data = read(file, LABELS_MAGIC).data;
        int[] labels = new int[data.length];
        for (int i = 0; i < data.length; i++) {
            labels[i] = Byte.toUnsignedInt(data[i]);
        }
        return labels;
    }

    private record Contents(int[] dimensions, byte[] data) {
    }

    private static Contents read(Path file, int expectedMagic) throws IOException {
        try (DataInputStream in = new DataInputStream(open(file))) {
            int magic = in.readInt();
            if (magic != expectedMagic) {
                throw new IOException(String.format(
                        "%s is not the expected IDX file: magic number 0x%08x, expected 0x%08x",
                        file, magic, expectedMagic));
            }
            int[] dimensions = new int[expectedMagic & 0xff];
            long elements = 1;
            for (int i = 0; i < dimensions.length; i++) {
                dimensions[i] = in.readInt();
                if (dimensions[i] < 0) {
                    throw new IOException(file + ": dimension " + i + " has negative size " + dimensions[i]);
                }
                elements *= dimensions[i];
                if (elements > Integer.MAX_VALUE - 8) {
                    throw new IOException(file + ": too many elements to hold in one array");
                }
            }
            byte[] data = new byte[(int) elements];
            in.readFully(data);
            if (in.read() != -1) {
                throw new IOException(file + " holds more data than its header's "
                        + elements + " elements");
            }
            return new Contents(dimensions, data);
        } catch (EOFException e) {
            throw new IOException(file + " is truncated: it ends before the data its header declares", e);
        } catch (ZipException e) {
            throw new IOException(file + " starts like gzip but is not valid gzip: " + e.getMessage(), e);
        }
    }

    /** Decides on gzip by the content's magic bytes 0x1f 0x8b, since file names are not reliable. */
    private static InputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file));
        try {
            raw.mark(2);
            int first = raw.read();
            int second = raw.read();
            raw.reset();
            return first == 0x1f && second == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
        } catch (IOException e) {
            raw.close();
            throw e;
        }
    }
}
