package io.streamsynth.operators.train;

/**
 * A restored catalog state that the configured model or optimizer cannot take, under
 * {@link IncompatibleStatePolicy#FAIL}. Retrying cannot help: the same state meets the same settings.
 */
public final class IncompatibleStateException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    IncompatibleStateException(String message) {
        super(message);
    }
}
