package io.streamsynth.model.train;

import io.streamsynth.model.checkpoint.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The bytes of a backbone file (torchvision weights as safetensors, or a TorchScript module) with
 * where they came from and their sha256. Whoever can reach the file reads it: the model reads local
 * paths; the Flink operators read any Flink file system URI (s3://, hdfs://) and hand the bytes
 * over, so this module never depends on Flink.
 *
 * @param source a path or URI, for messages and logs
 * @param bytes  the whole file
 * @param sha256 hex sha256 of {@code bytes}, recorded in checkpoint metadata as {@code backbone_sha256}
 */
public record BackboneFile(String source, byte[] bytes, String sha256) {

    public BackboneFile {
        if (source == null || bytes == null || sha256 == null) {
            throw new IllegalArgumentException("a backbone file needs its source, bytes and sha256");
        }
    }

    /** The bytes read from {@code source}, their sha256 computed here. */
    public static BackboneFile of(String source, byte[] bytes) {
        return new BackboneFile(source, bytes, Sha256.hex(bytes));
    }

    /**
     * Reads a local file.
     *
     * @throws IllegalArgumentException when it does not exist or cannot be read, naming it
     */
    public static BackboneFile read(Path file) {
        try {
            return of(file.toString(), Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("backbone file " + file + ": no such file");
        } catch (IOException e) {
            throw new IllegalArgumentException("backbone file " + file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Checks that these are the bytes a network was built from.
     *
     * @throws BackboneFileChangedException naming both digests when they differ
     */
    public void requireSha256(String expected) {
        if (!sha256.equals(expected)) {
            throw new BackboneFileChangedException(source, sha256, expected);
        }
    }
}
