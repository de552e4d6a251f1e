package io.streamsynth.model.data;

import static io.streamsynth.model.data.IdxFixtures.gzip;
import static io.streamsynth.model.data.IdxFixtures.idx;
import static io.streamsynth.model.data.IdxFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxFileTest {

    @TempDir
    Path dir;

    /** Two 2x3 images; 255 and 128 check that bytes are read unsigned. */
    private static byte[] twoImages() throws IOException {
        return idx(IdxFile.IMAGES_MAGIC, new int[] {2, 2, 3}, new int[] {0, 1, 2, 3, 4, 5, 255, 128, 8, 9, 10, 11});
    }

    @Test
    void readsPlainImageFile() throws IOException {
        IdxFile.Images images = IdxFile.readImages(write(dir.resolve("images"), twoImages()));

        assertThat(images.count()).isEqualTo(2);
        assertThat(images.rows()).isEqualTo(2);
        assertThat(images.columns()).isEqualTo(3);
        assertThat(Byte.toUnsignedInt(images.pixels()[6])).isEqualTo(255);
        assertThat(images.pixels()).hasSize(12);
    }

    @Test
    void readsGzippedLabelsAsUnsignedInts() throws IOException {
        byte[] labels = idx(IdxFile.LABELS_MAGIC, new int[] {4}, new int[] {0, 9, 200, 3});

        assertThat(IdxFile.readLabels(write(dir.resolve("labels.gz"), gzip(labels))))
                .containsExactly(0, 9, 200, 3);
    }

    @Test
    void gzipIsDetectedFromContentNotFromTheFileName() throws IOException {
        Path gzippedWithoutSuffix = write(dir.resolve("images"), gzip(twoImages()));
        Path plainWithSuffix = write(dir.resolve("images.gz"), twoImages());

        byte[] fromGzip = IdxFile.readImages(gzippedWithoutSuffix).pixels();
        byte[] fromPlain = IdxFile.readImages(plainWithSuffix).pixels();

        assertThat(fromGzip).isEqualTo(fromPlain);
    }

    @Test
    void wrongMagicNumberIsReported() throws IOException {
        Path labels = write(dir.resolve("labels"), idx(IdxFile.LABELS_MAGIC, new int[] {1}, new int[] {3}));

        assertThatThrownBy(() -> IdxFile.readImages(labels))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("magic number 0x00000801, expected 0x00000803");
    }

    @Test
    void truncatedPlainFileIsReported() throws IOException {
        byte[] whole = twoImages();
        Path cut = write(dir.resolve("cut"), Arrays.copyOf(whole, whole.length - 1));

        assertThatThrownBy(() -> IdxFile.readImages(cut))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("is truncated");
    }

    @Test
    void truncatedGzipFileIsReported() throws IOException {
        byte[] whole = gzip(twoImages());
        Path cut = write(dir.resolve("cut.gz"), Arrays.copyOf(whole, whole.length / 2));

        assertThatThrownBy(() -> IdxFile.readImages(cut))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("cut.gz is truncated");
    }

    @Test
    void dataBeyondTheDeclaredSizeIsReported() throws IOException {
        byte[] tooLong = idx(IdxFile.LABELS_MAGIC, new int[] {2}, new int[] {1, 2, 3});

        assertThatThrownBy(() -> IdxFile.readLabels(write(dir.resolve("long"), tooLong)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("more data than its header's 2 elements");
    }
}
