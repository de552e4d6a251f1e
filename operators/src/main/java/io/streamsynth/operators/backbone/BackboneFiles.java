package io.streamsynth.operators.backbone;

import io.streamsynth.model.train.BackboneFile;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.fs.UnsupportedFileSystemSchemeException;

/**
 * Reads a backbone file (torchvision weights or a TorchScript module) through Flink's file systems, so
 * the same reference works on the client at start-up and on every TaskManager: a local path
 * ({@code /models/r18.pt}, {@code file:///models/r18.pt}) or any scheme whose plugin Flink has
 * ({@code s3://bucket/r18.pt}, {@code hdfs://...}).
 */
public final class BackboneFiles {
    /** A Java array's limit; the largest torchvision backbones are well below it (ViT-H/14: 2.5 GB is not). */
    static final long MAX_BYTES = Integer.MAX_VALUE - 16;

    private BackboneFiles() {}

    /**
     * The whole file with its sha256.
     *
     * @param uri a path or URI; a path without a scheme is a local file
     * @throws MissingBackboneFileException naming the file when it does not exist or is a folder
     * @throws IllegalArgumentException naming the file when it is too large, has a scheme no file system
     *     serves, or cannot be read
     */
    public static BackboneFile read(String uri) {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("backbone file: no path or URI given");
        }
        Path path = new Path(uri);
        try {
            FileSystem fs = path.getFileSystem();
            FileStatus status;
            try {
                status = fs.getFileStatus(path);
            } catch (FileNotFoundException e) {
                throw new MissingBackboneFileException(uri, "no such file");
            }
            if (status.isDir()) {
                throw new MissingBackboneFileException(uri, "is a folder, not a file");
            }
            if (status.getLen() > MAX_BYTES) {
                throw new IllegalArgumentException("backbone file " + uri + " has " + status.getLen()
                        + " bytes, more than the " + MAX_BYTES + " a backbone may have");
            }
            try (InputStream in = fs.open(path)) {
                return BackboneFile.of(uri, in.readAllBytes());
            }
        } catch (UnsupportedFileSystemSchemeException e) {
            throw new IllegalArgumentException("backbone file " + uri + ": no file system serves its scheme (put the "
                    + "scheme's plugin, e.g. flink-s3-fs-hadoop, in Flink's plugins/ folder): " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("backbone file " + uri + ": cannot read: " + e.getMessage(), e);
        }
    }
}
