package io.streamsynth.pipeline.cli;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Waits for work the quickstart started on another thread, failing as that work failed. */
final class Awaiting {
    private Awaiting() {}

    /**
     * The value of {@code work} once it has completed.
     *
     * @throws RuntimeException or Error: the one the work threw, not a {@link CompletionException} around it
     */
    static <T> T result(CompletableFuture<T> work) {
        try {
            return work.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }
}
