package io.streamsynth.model.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Loads Fashion-MNIST (28 x 28 grey clothing images, ten classes) from its four IDX files. */
public final class FashionMnist {

    /** Where Debian's dataset-fashion-mnist package installs the files. */
    /** Side of its grey images, in pixels. */
    public static final int SIZE = 28;
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /** Class names indexed by label. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover",
            "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private static final String INSTALL_HINT =
            "on Debian `apt-get install dataset-fashion-mnist` puts the files in " + DEFAULT_DIR;

    public enum Split {
        TRAIN("train"), TEST("t10k");

        private final String filePrefix;

        Split(String filePrefix) {
            this.filePrefix = filePrefix;
        }
    }

    private FashionMnist() {
    }

    /** One split as a 1-channel ImageSet with pixel values byte / 255. */
    public static ImageSet load(Path dir, Split split) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("Fashion-MNIST directory " + dir + " does not exist; " + INSTALL_HINT);
        }
        Path imageFile = locate(dir, split.filePrefix + "-images-idx3-ubyte");
        Path labelFile = locate(dir, split.filePrefix + "-labels-idx1-ubyte");
        IdxFile.Images images = IdxFile.readImages(imageFile);
        int[] labels = IdxFile.readLabels(labelFile);
        if (images.count() != labels.length) {
            throw new IOException(imageFile + " holds " + images.count() + " images but "
                    + labelFile + " holds " + labels.length + " labels");
        }
        for (int label : labels) {
            if (label >= CLASS_NAMES.size()) {
                throw new IOException(labelFile + " holds label " + label
                        + ", but Fashion-MNIST has only " + CLASS_NAMES.size() + " classes");
            }
        }
        return new ImageSet(1, images.rows(), images.columns(), PixelValues.unit(images.pixels()), labels);
    }

    /** The plain file if present, else its gzipped twin; distributions ship either. */
    private static Path locate(Path dir, String name) throws IOException {
        for (String candidate : List.of(name, name + ".gz")) {
            Path file = dir.resolve(candidate);
            if (Files.isRegularFile(file)) {
                return file;
            }
        }
        throw new IOException("Fashion-MNIST file " + dir.resolve(name) + "[.gz] not found; "
                + INSTALL_HINT);
    }
}
