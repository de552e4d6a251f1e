package io.streamsynth.model.export;

import io.streamsynth.model.checkpoint.Checkpoint;
import io.streamsynth.model.checkpoint.CheckpointFiles;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes a checkpoint as PREFIX.safetensors (the weights, byte for byte, PyTorch names), PREFIX.json
 * (the checkpoint's metadata) and PREFIX.card.json (the {@link ModelCard}).
 */
public final class ModelExport {
    private ModelExport() {}

    /** The three files a prefix names. */
    public record Files(Path weights, Path metadata, Path card) {
        public static Files of(String prefix) {
            return new Files(Path.of(prefix + ".safetensors"), Path.of(prefix + ".json"), Path.of(prefix + ".card.json"));
        }
    }

    public static Files write(Checkpoint checkpoint, String prefix) throws IOException {
        Files files = Files.of(prefix);
        CheckpointFiles.export(checkpoint, files.weights(), files.metadata());
        CheckpointFiles.writeAtomically(files.card(), ModelCard.toJson(
                ModelCard.of(checkpoint.metadata(), files.weights().getFileName().toString())));
        return files;
    }
}
