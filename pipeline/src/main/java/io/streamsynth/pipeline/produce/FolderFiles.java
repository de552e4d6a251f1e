package io.streamsynth.pipeline.produce;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * The image files of a folder with one sub-folder per class, sent as they are: item ids
 * {@code <class>/<file name>}, labelled with the class folder's name, class folders and files in
 * name order. Whether a file is an image is told from its first bytes by the ImageIO readers on the
 * class path (JPEG, PNG, GIF, BMP, WebP); its pixels are never decoded here: the job decodes, and
 * dead-letters what it cannot, with a reason.
 */
public final class FolderFiles {
    /** Bytes read to recognise a format: every reader here needs far fewer. */
    private static final int SNIFF_BYTES = 64;

    /** The files to send, and "path: reason" for each file left out. */
    public record Listing(OutgoingImages images, List<String> skipped) {}

    private FolderFiles() {}

    /** @param classes class folder names to keep, or null for all */
    public static Listing list(Path root, Set<String> classes) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException("image folder " + root + " does not exist or is not a directory");
        }
        List<String> classNames = new ArrayList<>();
        for (Path dir : sorted(root, true)) {
            classNames.add(dir.getFileName().toString());
        }
        if (classes != null) {
            Set<String> unknown = new HashSet<>(classes);
            unknown.removeAll(classNames);
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException("--classes: " + root + " has no class folder " + unknown
                        + "; it has " + classNames);
            }
        }
        List<OutgoingImages.Entry> entries = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (String className : classNames) {
            if (classes != null && !classes.contains(className)) {
                continue;
            }
            for (Path file : sorted(root.resolve(className), false)) {
                if (!looksLikeAnImage(file)) {
                    skipped.add(file + ": not in an image format this runtime reads");
                    continue;
                }
                entries.add(new OutgoingImages.Entry(className + "/" + file.getFileName(), className,
                        () -> Files.readAllBytes(file)));
            }
        }
        return new Listing(new OutgoingImages(entries), List.copyOf(skipped));
    }

    private static boolean looksLikeAnImage(Path file) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(SNIFF_BYTES);
        }
        try (ImageInputStream in = new MemoryCacheImageInputStream(new java.io.ByteArrayInputStream(head))) {
            return ImageIO.getImageReaders(in).hasNext();
        }
    }

    private static List<Path> sorted(Path dir, boolean directories) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> directories ? Files.isDirectory(p) : Files.isRegularFile(p)).sorted().toList();
        }
    }
}
