package io.streamsynth.model.checkpoint;

/**
 * The weights in a checkpoint do not hash to the digest its metadata recorded, so they were changed
 * after the checkpoint was written and must not be loaded.
 */
public final class CheckpointIntegrityException extends RuntimeException {

    private final String expectedSha256;
    private final String actualSha256;

    public CheckpointIntegrityException(String expectedSha256, String actualSha256) {
        super("checkpoint weights were altered or corrupted: metadata records sha256 " + expectedSha256
                + " but the weights hash to " + actualSha256);
        this.expectedSha256 = expectedSha256;
        this.actualSha256 = actualSha256;
    }

    /**
     * For bytes checked against a digest recorded elsewhere than the metadata (e.g. the chunk headers
     * of the checkpoints topic).
     *
     * @param what names what was checked, e.g. the catalog and version, so the message says which
     */
    public CheckpointIntegrityException(String what, String expectedSha256, String actualSha256) {
        super(what + " was altered or corrupted: sha256 " + expectedSha256 + " was recorded but the bytes hash to "
                + actualSha256);
        this.expectedSha256 = expectedSha256;
        this.actualSha256 = actualSha256;
    }

    /** The digest that was recorded with the checkpoint (in its metadata or its chunk headers). */
    public String expectedSha256() {
        return expectedSha256;
    }

    /** The digest of the weight bytes actually present. */
    public String actualSha256() {
        return actualSha256;
    }
}
