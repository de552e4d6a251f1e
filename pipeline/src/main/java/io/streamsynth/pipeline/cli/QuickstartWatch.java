package io.streamsynth.pipeline.cli;

import io.streamsynth.model.checkpoint.Checkpoint;
import io.streamsynth.model.checkpoint.CheckpointMetadata;
import io.streamsynth.pipeline.job.JobConfig;
import io.streamsynth.pipeline.kafka.GroupCommittedOffsets;
import io.streamsynth.pipeline.kafka.PipelineWatcher;
import java.io.PrintStream;
import java.time.Duration;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Follows a quickstart run on the output topics: prints a {@linkplain QuickstartProgress progress
 * line} every few seconds, and decides when the run is done: all events sent, the served model
 * quiet for a while, and every query item embedded at it.
 */
final class QuickstartWatch {
    private static final long PRINT_EVERY_MILLIS = 3000;
    private static final long SOURCE_ASK_EVERY_MILLIS = 2000;

    private final PipelineWatcher watcher;
    private final JobConfig config;
    private final String catalog;
    private final String queryPrefix;
    private final PrintStream out;
    private final QuickstartTimeBudget budget;
    private final QuickstartTrainingEnd trainingEnd;
    private final SourceCatchUp source;

    /**
     * @param trainingEnd tells when the trainer has published all it will train from the events sent,
     *                    which ends the run without waiting out the quiet period
     * @param source      how far the job has read the images topic: the quiet period counts only once
     *                    it has read (and checkpointed) every event; an ask that fails counts as "not yet"
     *                    and is asked again ({@link SourceCatchUp})
     */
    QuickstartWatch(PipelineWatcher watcher, JobConfig config, String catalog, String queryPrefix, PrintStream out,
            QuickstartTimeBudget budget, QuickstartTrainingEnd trainingEnd, GroupCommittedOffsets source) {
        this.watcher = watcher;
        this.config = config;
        this.catalog = catalog;
        this.queryPrefix = queryPrefix;
        this.out = out;
        this.budget = budget;
        this.trainingEnd = trainingEnd;
        this.source = new SourceCatchUp(new SourceCatchUp.Offsets() {
            @Override
            public long committed() throws Exception {
                return source.committed();
            }

            @Override
            public long inTopic() {
                return watcher.recordsIn(config.topics().images());
            }
        }, SOURCE_ASK_EVERY_MILLIS);
    }

    /**
     * Prints progress until the events are in and the final version's embeddings are all out, until
     * {@code timeout} has passed after the last event, or until a signal asks the run to stop; with
     * {@code follow}, only the signal ends it.
     *
     * @param queries query items the feed sends, all of which must reach the final version
     */
    void untilDone(QuickstartFeed feed, long planned, int queries, StopOnSignal stop, boolean follow,
            Duration timeout) {
        long lastPrint = 0;
        long lastVersion = -1;
        long lastTrained = -1;
        long trainedSince = System.currentTimeMillis();
        // a version is final when the trainer has published all it will train (trainingEnd), or else when
        // no newer one can still be on its way: a publish interval and a few checkpoints (the sink commits
        // on checkpoints) without any new version, promoted or not (a trainer that still trains publishes
        // candidates, which the gate may hold back for a while) once the job has read every event (on a
        // loaded machine a job far behind the feed publishes nothing visible for longer than that)
        long quietNeeded = quietMillis(config);
        long deadline = Long.MAX_VALUE;
        try {
            while (true) {
                watcher.poll(Duration.ofMillis(500));
                if (stop.requested()) {
                    out.println("stopping: printing the summary, stopping the job and removing its files ...");
                    return;
                }
                long now = System.currentTimeMillis();
                Checkpoint trained = watcher.newestCheckpointByCatalog().get(catalog);
                if (trained != null && trained.metadata().modelVersion() > 0) {
                    budget.mark(QuickstartTimeBudget.Mark.FIRST_MODEL);
                }
                if (trained != null && trained.metadata().modelVersion() != lastTrained) {
                    lastTrained = trained.metadata().modelVersion();
                    trainedSince = now;
                }
                // the served version: a candidate the promotion gate held back is never embedded
                Checkpoint newest = watcher.newestPromotedCheckpointByCatalog().get(catalog);
                long version = newest == null ? 0 : newest.metadata().modelVersion();
                if (version != lastVersion) {
                    lastVersion = version;
                    if (version > 0) {
                        budget.markAgain(QuickstartTimeBudget.Mark.FINAL_MODEL);
                    }
                }
                if (now - lastPrint >= PRINT_EVERY_MILLIS) {
                    lastPrint = now;
                    printStatus(feed.sent(), planned);
                }
                if (feed.sending() || follow) {
                    continue;
                }
                if (deadline == Long.MAX_VALUE) {
                    deadline = now + timeout.toMillis();
                    out.println("all events sent; waiting for the final model and its embeddings ...");
                }
                boolean quiet = trainingEnd.ended(versionsOf(catalog))
                        || now - trainedSince >= quietNeeded && source.caughtUp(now);
                if (quiet && version > 0 && queriesAt(version) >= queries) {
                    printStatus(feed.sent(), planned);
                    return;
                }
                if (now > deadline) {
                    out.println("timed out waiting for the final model; reporting what arrived");
                    return;
                }
            }
        } finally {
            budget.mark(QuickstartTimeBudget.Mark.WAITED);
        }
    }

    /**
     * How long no new version must arrive before the newest counts as final: a publish interval, three
     * Flink checkpoints (the sink commits on checkpoints) and 2 s, in milliseconds.
     */
    static long quietMillis(JobConfig config) {
        return config.trainer().publishInterval().toMillis() + 3 * config.checkpointInterval().toMillis() + 2000;
    }

    private java.util.List<CheckpointMetadata> versionsOf(String catalog) {
        return watcher.checkpoints().stream().map(Checkpoint::metadata).filter(m -> m.catalog().equals(catalog))
                .toList();
    }

    private long queriesAt(long version) {
        return watcher.newestEmbeddings().values().stream()
                .filter(e -> e.itemId.startsWith(queryPrefix) && e.modelVersion == version).count();
    }

    private void printStatus(long sent, long planned) {
        long inTopic;
        try {
            inTopic = watcher.recordsIn(config.topics().images());
        } catch (TimeoutException slowBroker) {
            // a broker starved of CPU can take longer than the lookup may; the next line asks again,
            // and a progress line is no reason to end the run
            return;
        }
        SortedMap<String, CheckpointMetadata> newest = new TreeMap<>();
        watcher.newestCheckpointByCatalog().forEach((c, checkpoint) -> newest.put(c, checkpoint.metadata()));
        out.println(QuickstartProgress.line(inTopic, sent, planned, newest, watcher.embeddings(),
                watcher.deadLetters()));
    }
}
