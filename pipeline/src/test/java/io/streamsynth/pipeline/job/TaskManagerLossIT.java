package io.streamsynth.pipeline.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.pipeline.kafka.EmbeddedKafka;
import io.streamsynth.pipeline.kafka.ImageEventProducer;
import io.streamsynth.pipeline.kafka.PipelineWatcher;
import io.streamsynth.pipeline.kafka.TopicSetup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TaskManager loss, three times while events are flowing, on a MiniCluster of two TaskManagers
 * with one slot each and the job at parallelism 2: every loss takes down subtasks of the whole
 * pipeline, and since keyBy connects them all into one failover region, the trainer and the
 * embedder both fail and restart from the last completed checkpoint each time.
 */
class TaskManagerLossIT {
    private static final int CLASSES = 5;
    private static final int ROUND = 160;
    private static final int LOSSES = 3;
    private static final int ITEMS = ROUND * (LOSSES + 2);

    @TempDir
    Path dir;

    @Test
    @Timeout(420)
    void jobRecoversFromEachLossWithoutLosingOrDuplicatingPublishedRecords() throws Exception {
        long started = System.currentTimeMillis();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            JobConfig config = GeneratedCatalog.config(kafka.bootstrapServers(), "tm-loss");
            kafka.createTopics(TopicSetup.topics(config.topics(), 2));
            Configuration conf = FaultWaits.restartingStateConfig(dir.resolve("checkpoints"), 20);
            try (MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(conf)
                    .setNumTaskManagers(2).setNumSlotsPerTaskManager(1).withRandomPorts().build())) {
                cluster.start();
                StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
                env.setParallelism(2);
                StreamsynthJob.build(env, config);
                LocalJobRunner runner = LocalJobRunner.submit(cluster, env, "tm-loss", Duration.ofSeconds(60));
                JobID job = runner.jobId();
                try (ImageEventProducer producer = new ImageEventProducer(kafka.bootstrapServers(), new Properties(),
                        config.topics().images());
                        PipelineWatcher watcher = new PipelineWatcher(kafka.bootstrapServers(), new Properties(),
                                config.topics())) {
                    GeneratedCatalog.send(producer, 0, ROUND, CLASSES);
                    long committed = FaultWaits.untilVersionAbove(watcher, 0, Duration.ofSeconds(120));
                    for (int loss = 1; loss <= LOSSES; loss++) {
                        // the next round is in Kafka and being consumed when its TaskManager goes
                        GeneratedCatalog.send(producer, loss * ROUND, (loss + 1) * ROUND, CLASSES);
                        // one invalid event per round: dead letters must come out exactly once too
                        producer.sendRaw("broken-" + loss, "{not json".getBytes(StandardCharsets.UTF_8));
                        producer.flush();
                        watcher.poll(Duration.ofSeconds(2));
                        // MiniCluster keeps terminated TaskManagers in its list: index loss-1 is always alive
                        cluster.terminateTaskManager(loss - 1).get(60, TimeUnit.SECONDS);
                        cluster.startTaskManager();
                        waitUntilRunningAgain(cluster, job, loss, Duration.ofSeconds(120));
                        committed = FaultWaits.untilVersionAbove(watcher, committed, Duration.ofSeconds(120));
                    }
                    GeneratedCatalog.send(producer, (LOSSES + 1) * ROUND, ITEMS, CLASSES);
                    Waiting.untilQuietAndEmbedded(watcher, ITEMS, Duration.ofSeconds(180));
                    int restarts = minimumAttempt(cluster.getExecutionGraph(job).get(30, TimeUnit.SECONDS));

                    PublishedAudit audit = PublishedAudit.read(kafka.bootstrapServers(), config.topics());
                    audit.assertVersionsHaveNoGapOrRepeat();
                    audit.assertEveryItemAtTheNewestVersionInOrderOnce(ITEMS);
                    assertThat(restarts).as("restarts of every task").isGreaterThanOrEqualTo(LOSSES);
                    assertThat(watcher.deadLetters()).as("dead letters, one per invalid event").isEqualTo(LOSSES);
                    assertThat(audit.resumedVersions()).as("versions trained from a restored model")
                            .isGreaterThanOrEqualTo(1);
                    System.err.printf("[figures] TaskManagerLossIT: %d valid and %d invalid events in, %d TaskManagers"
                            + " lost, every task restarted %d times, %s, %d dead letters, wall %.0f s%n", ITEMS, LOSSES,
                            LOSSES, restarts, audit.figures(), watcher.deadLetters(),
                            (System.currentTimeMillis() - started) / 1000.0);
                } finally {
                    runner.close();
                }
            }
        }
    }

    /** Waits until the job runs with every task at attempt {@code attempt} or later (attempt 0 is the first). */
    private static void waitUntilRunningAgain(MiniCluster cluster, JobID job, int attempt, Duration timeout)
            throws Exception {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        String last = "";
        while (System.currentTimeMillis() < deadline) {
            AccessExecutionGraph graph = cluster.getExecutionGraph(job).get(30, TimeUnit.SECONDS);
            boolean running = graph.getState() == JobStatus.RUNNING;
            for (AccessExecutionVertex v : graph.getAllExecutionVertices()) {
                running &= v.getExecutionState() == ExecutionState.RUNNING;
            }
            int min = minimumAttempt(graph);
            if (running && min >= attempt) {
                return;
            }
            last = graph.getState() + ", lowest attempt " + min;
            Thread.sleep(200);
        }
        throw new AssertionError("job not running again at attempt " + attempt + " within " + timeout + ": " + last);
    }

    private static int minimumAttempt(AccessExecutionGraph graph) {
        int min = Integer.MAX_VALUE;
        for (AccessExecutionVertex v : graph.getAllExecutionVertices()) {
            min = Math.min(min, v.getCurrentExecutionAttempt().getAttemptNumber());
        }
        return min;
    }
}
