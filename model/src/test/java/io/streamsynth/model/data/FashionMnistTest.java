package io.streamsynth.model.data;

import static io.streamsynth.model.data.IdxFixtures.gzip;
import static io.streamsynth.model.data.IdxFixtures.idx;
import static io.streamsynth.model.data.IdxFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {

    @TempDir
    Path dir;

    private static byte[] images(int count, int... pixels) throws IOException {
        return idx(IdxFile.IMAGES_MAGIC, new int[] {count, 1, 2}, pixels);
    }

    private static byte[] labels(int... labels) throws IOException {
        return idx(IdxFile.LABELS_MAGIC, new int[] {labels.length}, labels);
    }

    @Test
    void loadsTrainSplitFromAMixOfGzippedAndPlainFiles() throws IOException {
        write(dir.resolve("train-images-idx3-ubyte.gz"), gzip(images(2, 0, 255, 51, 102)));
        write(dir.resolve("train-labels-idx1-ubyte"), labels(9, 0));

        ImageSet train = FashionMnist.load(dir, FashionMnist.Split.TRAIN);

        assertThat(train.channels()).isEqualTo(1);
        assertThat(train.height()).isEqualTo(1);
        assertThat(train.width()).isEqualTo(2);
        assertThat(train.pixels()).containsExactly(0f, 1f, 0.2f, 0.4f);
        assertThat(train.labels()).containsExactly(9, 0);
    }

    @Test
    void testSplitReadsTheT10kFiles() throws IOException {
        write(dir.resolve("train-images-idx3-ubyte"), images(1, 0, 0));
        write(dir.resolve("train-labels-idx1-ubyte"), labels(1));
        write(dir.resolve("t10k-images-idx3-ubyte"), images(1, 255, 255));
        write(dir.resolve("t10k-labels-idx1-ubyte"), labels(5));

        ImageSet test = FashionMnist.load(dir, FashionMnist.Split.TEST);

        assertThat(test.labels()).containsExactly(5);
        assertThat(test.pixels()).containsExactly(1f, 1f);
    }

    @Test
    void missingDirectoryNamesThePathAndTheDebianPackage() {
        Path missing = dir.resolve("nowhere");

        assertThatThrownBy(() -> FashionMnist.load(missing, FashionMnist.Split.TRAIN))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("apt-get install dataset-fashion-mnist")
                .hasMessageContaining("/usr/share/datasets/fashion-mnist");
    }

    @Test
    void missingFileNamesThePathAndTheDebianPackage() throws IOException {
        write(dir.resolve("t10k-images-idx3-ubyte"), images(1, 0, 0));

        assertThatThrownBy(() -> FashionMnist.load(dir, FashionMnist.Split.TEST))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(dir.resolve("t10k-labels-idx1-ubyte").toString())
                .hasMessageContaining("apt-get install dataset-fashion-mnist");
    }

    @Test
    void differentImageAndLabelCountsAreReported() throws IOException {
        write(dir.resolve("train-images-idx3-ubyte"), images(2, 0, 0, 0, 0));
        write(dir.resolve("train-labels-idx1-ubyte"), labels(1, 2, 3));

        assertThatThrownBy(() -> FashionMnist.load(dir, FashionMnist.Split.TRAIN))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("holds 2 images but")
                .hasMessageContaining("holds 3 labels");
    }

    @Test
    void classNamesCoverTheTenLabels() {
        assertThat(FashionMnist.CLASS_NAMES).hasSize(10).startsWith("T-shirt/top").endsWith("Ankle boot");
    }

    /** Runs only where the Debian package is installed; the real test split has 1000 images per class. */
    @Test
    void loadsTheInstalledTestSplitWhenPresent() throws IOException {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "Fashion-MNIST not installed");

        ImageSet test = FashionMnist.load(FashionMnist.DEFAULT_DIR, FashionMnist.Split.TEST);

        assertThat(test.size()).isEqualTo(10_000);
        assertThat(test.height()).isEqualTo(28);
        assertThat(test.width()).isEqualTo(28);
        int[] perClass = new int[10];
        Arrays.stream(test.labels()).forEach(label -> perClass[label]++);
        assertThat(perClass).containsOnly(1000);
    }
}
