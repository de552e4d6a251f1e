package io.streamsynth.model.train;

/**
 * A backbone file whose bytes are not the ones a network was built from (its sha256 differs): the file was
 * replaced, or the path names another one. Reading it again gives the same bytes, so retrying does not help
 * until someone puts the original back.
 */
public final class BackboneFileChangedException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String source;

    BackboneFileChangedException(String source, String actualSha256, String expectedSha256) {
        super("backbone file " + source + " has sha256 " + actualSha256 + " but the model was built from a file with "
                + "sha256 " + expectedSha256 + " (the file changed, or it is another one)");
        this.source = source;
    }

    /** The path or URI the file was read from. */
    public String source() {
        return source;
    }
}
