package io.streamsynth.operators.train;

import io.streamsynth.model.train.BackboneFileChangedException;
import io.streamsynth.operators.backbone.MissingBackboneFileException;
import java.util.Optional;

/**
 * A restore failure that no retry can fix, because it is about a backbone file only someone outside the job can
 * put right: the file is gone ({@link MissingBackboneFileException}) or holds other bytes than the model was
 * built from ({@link BackboneFileChangedException}). An I/O error while reading a file that is there is not one
 * of them: the next attempt may read it.
 *
 * @param file    the path or URI of the file
 * @param problem what is wrong with it, naming it
 */
record UnrecoverableBackboneFile(String file, String problem) {

    /** The first such failure among {@code failure} and its causes, if any. */
    static Optional<UnrecoverableBackboneFile> in(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof MissingBackboneFileException missing) {
                return Optional.of(new UnrecoverableBackboneFile(missing.uri(), missing.getMessage()));
            }
            if (t instanceof BackboneFileChangedException changed) {
                return Optional.of(new UnrecoverableBackboneFile(changed.source(), changed.getMessage()));
            }
        }
        return Optional.empty();
    }
}
