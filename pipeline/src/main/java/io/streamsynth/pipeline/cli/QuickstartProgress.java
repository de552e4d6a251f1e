package io.streamsynth.pipeline.cli;

import io.streamsynth.model.checkpoint.CheckpointMetadata;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.StringJoiner;

/** The quickstart's progress line and the figures of its summary. */
final class QuickstartProgress {
    private QuickstartProgress() {}

    /**
     * One line: the events in the images topic (whoever produced them) and the quickstart's own
     * share, then each catalog's newest model, then the embeddings and dead letters read so far.
     *
     * @param inTopic  records in the images topic now
     * @param sent     events the quickstart has produced
     * @param planned  events the quickstart will produce in all
     * @param newest   the newest checkpoint's metadata of each catalog, in the order to print
     */
    static String line(long inTopic, long sent, long planned, SortedMap<String, CheckpointMetadata> newest,
            long embeddings, long deadLetters) {
        StringJoiner line = new StringJoiner("  |  ");
        line.add(String.format(Locale.ROOT, "events %d in topic (quickstart sent %d/%d)", inTopic, sent, planned));
        if (newest.isEmpty()) {
            line.add("no model yet");
        }
        newest.forEach((catalog, m) -> line.add(String.format(Locale.ROOT, "%s: version %d  step %d  held-out R@1 %s",
                catalog, m.modelVersion(), m.step(), Boolean.FALSE.equals(m.promotion().get("evaluated"))
                        ? "- (too soon, not evaluated)" : figure("r_at_1", m.evaluation().get("r_at_1")))));
        line.add("embeddings out " + embeddings);
        line.add("dead letters " + deadLetters);
        return line.toString();
    }

    /** Evaluation figures as {@code name=value}: counts as integers, the rest with four decimals. */
    static String figures(Map<String, Double> evaluation) {
        StringJoiner out = new StringJoiner(", ", "{", "}");
        evaluation.forEach((name, value) -> out.add(name + "=" + figure(name, value)));
        return out.toString();
    }

    private static String figure(String name, Double value) {
        if (value == null) {
            return "-";
        }
        if (name.endsWith("_items") || name.endsWith("_embeddings")) {
            return Long.toString(Math.round(value));
        }
        return String.format(Locale.ROOT, "%.4f", value);
    }
}
