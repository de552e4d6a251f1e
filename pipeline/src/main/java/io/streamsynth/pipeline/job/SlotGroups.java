package io.streamsynth.pipeline.job;

import java.io.Serializable;
import java.util.regex.Pattern;

/**
 * Flink slot-sharing groups for the two model operators. In one group (Flink's {@code default}, the
 * default) one slot may hold a subtask of every operator, so the trainer and the embedder share a
 * TaskManager's cores (and GPU). Named apart, they never share a slot: with one slot per TaskManager
 * ({@code taskmanager.numberOfTaskSlots: 1}) each runs on TaskManagers of its own, with its own
 * cores and GPU, and the job needs as many slots as the two groups' parallelisms added up.
 *
 * <p>The trainer's group holds the batch builder, the trainer and what follows it (checkpoint
 * chunks and sink, the filter of promoted versions); the embedder's holds the embedder and what
 * follows it (embeddings sink, version markers and their sink). Source, decoding and duplicate
 * check stay in the default group.
 *
 * @param trainer  group name of the batch builder and trainer
 * @param embedder group name of the embedder
 */
public record SlotGroups(String trainer, String embedder) implements Serializable {
    /** Flink's own group for operators that name none. */
    public static final String DEFAULT = "default";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public SlotGroups {
        check(trainer, "--trainer-slot-group");
        check(embedder, "--embedder-slot-group");
    }

    /** Both operators in Flink's default group: one slot may run a subtask of each. */
    public static SlotGroups shared() {
        return new SlotGroups(DEFAULT, DEFAULT);
    }

    public boolean separate() {
        return !trainer.equals(embedder);
    }

    private static void check(String name, String flag) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(flag + " must be 1 to 64 letters, digits, '.', '_' or '-' "
                    + "(starting with a letter or digit), got '" + name + "'");
        }
    }
}
