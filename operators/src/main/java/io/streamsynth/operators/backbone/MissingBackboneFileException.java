package io.streamsynth.operators.backbone;

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
}
