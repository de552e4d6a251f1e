package io.streamsynth.model.checkpoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/** Exports a checkpoint as the two files Python tooling expects: weights and metadata side by side. */
public final class CheckpointFiles {

    private CheckpointFiles() {
    }

    /**
     * Writes the weights unchanged, so that {@code safetensors.torch.load_file} reads them and their
     * SHA-256 still matches the metadata, and the metadata as indented JSON. Each file is replaced
     * atomically.
     */
    public static void export(Checkpoint checkpoint, Path safetensorsFile, Path metadataJsonFile) throws IOException {
        Objects.requireNonNull(checkpoint, "checkpoint");
        Objects.requireNonNull(safetensorsFile, "safetensorsFile");
        Objects.requireNonNull(metadataJsonFile, "metadataJsonFile");
        if (safetensorsFile.toAbsolutePath().normalize().equals(metadataJsonFile.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("weights and metadata must go to different files: " + safetensorsFile);
        }
        AtomicFiles.write(safetensorsFile, checkpoint.weights());
        AtomicFiles.write(metadataJsonFile, checkpoint.metadata().toPrettyJson());
    }

    /** Replaces {@code file} atomically with {@code content}: readers see the old or the whole new file. */
    public static void writeAtomically(Path file, byte[] content) throws IOException {
        AtomicFiles.write(Objects.requireNonNull(file, "file"), Objects.requireNonNull(content, "content"));
    }
}
