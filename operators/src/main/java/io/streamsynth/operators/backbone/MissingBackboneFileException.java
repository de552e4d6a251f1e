package io.streamsynth.operators.backbone;

import java.util.Optional;

/**
 * A backbone file (torchvision weights or a TorchScript module) that is not there: no file at its path or URI,
 * or a folder in its place. Unlike an error while reading an existing file, trying again does not help until
 * someone puts the file back, which is why a restore that meets it stops the job instead of restarting it.
 */
public final class MissingBackboneFileException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String uri;

    MissingBackboneFileException(String uri, String problem) {
        super("backbone file " + uri + ": " + problem);
        this.uri = uri;
    }

    /** The path or URI as the settings or the checkpoint name it. */
    public String uri() {
        return uri;
    }

    /** The first {@code MissingBackboneFileException} in {@code failure}'s chain of causes, if any. */
    public static Optional<MissingBackboneFileException> in(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof MissingBackboneFileException missing) {
                return Optional.of(missing);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return Optional.empty();
    }
}
