package io.streamsynth.pipeline.produce;

import io.streamsynth.model.data.ImageFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The images of a folder with one sub-folder per class, as items {@code <class>/<file name>}
 * labelled with the class folder's name.
 *
 * <p>{@link ImageFolder} returns the images without their file names, so the names are recovered
 * from the order it documents (class folders by name, files by name, regular files directly inside)
 * minus the files it reports as skipped; the counts are checked against each other.
 */
public final class FolderItems {
    private FolderItems() {}

    /** @param classes class folder names to keep, or null for all */
    public static ImageItems select(Path root, int channels, int height, int width, Set<String> classes)
            throws IOException {
        ImageFolder.Result read = ImageFolder.read(root, channels, height, width);
        if (classes != null) {
            Set<String> unknown = new HashSet<>(classes);
            unknown.removeAll(read.classNames());
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException("--classes: " + root + " has no class folder " + unknown
                        + "; it has " + read.classNames());
            }
        }
        List<ImageItems.Item> items = new ArrayList<>();
        int index = 0;
        for (String className : read.classNames()) {
            for (Path file : sortedFiles(root.resolve(className))) {
                if (wasSkipped(read, file)) {
                    continue;
                }
                if (index >= read.images().size()
                        || !className.equals(read.classNames().get(read.images().label(index)))) {
                    throw changed(root);
                }
                if (classes == null || classes.contains(className)) {
                    items.add(new ImageItems.Item(index, className + "/" + file.getFileName(), className));
                }
                index++;
            }
        }
        if (index != read.images().size()) {
            throw changed(root);
        }
        return new ImageItems(read.images(), items);
    }

    /** ImageFolder reports a skipped file as "path: reason". */
    private static boolean wasSkipped(ImageFolder.Result read, Path file) {
        String prefix = file + ": ";
        return read.skipped().stream().anyMatch(s -> s.startsWith(prefix));
    }

    private static IOException changed(Path root) {
        return new IOException(root + " changed while it was read; try again");
    }

    private static List<Path> sortedFiles(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
