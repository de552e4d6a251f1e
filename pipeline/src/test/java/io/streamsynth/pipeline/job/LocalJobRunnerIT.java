package io.streamsynth.pipeline.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LocalJobRunner} on real MiniClusters with RocksDB state: a tiny keyed counting job is
 * stopped with a savepoint and started again from it; bounded, failing and cancelled jobs end the
 * way the runner says.
 */
@Timeout(180)
class LocalJobRunnerIT {
    /** What the sink saw, as (sequence number, running count) pairs; the MiniCluster runs in this JVM. */
    private static final List<long[]> SEEN = new CopyOnWriteArrayList<>();

    @TempDir
    Path dir;

    @BeforeEach
    void clear() {
        SEEN.clear();
    }

    @Test
    void aJobStoppedWithASavepointGoesOnFromItWithItsStateAndSourcePosition() throws Exception {
        String savepoint;
        try (LocalJobRunner first = LocalJobRunner.start(countingJob(stateConfig(), Long.MAX_VALUE), "count")) {
            awaitSeen(200);
            savepoint = first.stopWithSavepoint(dir.resolve("savepoints"), Duration.ofSeconds(60));
            assertThat(first.ended()).as("stopWithSavepoint returns once the job has ended").isTrue();
        }
        Path savepointDir = Path.of(URI.create(savepoint));
        assertThat(savepointDir).startsWith(dir.resolve("savepoints")).isDirectory();
        assertThat(savepointDir.resolve("_metadata")).isRegularFile();
        List<long[]> before = List.copyOf(SEEN);
        long[] last = before.get(before.size() - 1);
        assertThat(last[1]).as("count = records seen, from 1").isEqualTo(before.size());

        SEEN.clear();
        Configuration restoring = LocalJobRunner.restoringFrom(stateConfig(), savepoint);
        try (LocalJobRunner second = LocalJobRunner.start(countingJob(restoring, Long.MAX_VALUE), "count again")) {
            awaitSeen(10);
            second.cancel(Duration.ofSeconds(60));
            assertThat(second.ended()).isTrue();
        }
        long[] firstAfter = SEEN.get(0);
        assertThat(firstAfter[0]).as("the source goes on after the last record before the savepoint")
                .isEqualTo(last[0] + 1);
        assertThat(firstAfter[1]).as("the keyed count goes on from the savepoint's").isEqualTo(last[1] + 1);
    }

    @Test
    void aBoundedJobEndsByItselfAndAwaitTerminationReturnsItsResult() throws Exception {
        try (LocalJobRunner runner = LocalJobRunner.start(countingJob(new Configuration(), 49), "bounded")) {
            JobExecutionResult result = runner.awaitTermination(Duration.ofSeconds(120));
            assertThat(result.getJobID()).isEqualTo(runner.jobId());
            assertThat(runner.ended()).isTrue();
            assertThatThrownBy(() -> runner.stopWithSavepoint(dir, Duration.ofSeconds(10)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("'bounded'")
                    .hasMessageContaining("has already ended");
            runner.cancel(Duration.ofSeconds(10)); // nothing left to cancel: no error
        }
        assertThat(SEEN).hasSize(50);
        assertThat(SEEN.get(49)[1]).isEqualTo(50);
    }

    @Test
    void aFailingJobsErrorReachesAwaitTermination() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, new Configuration());
        env.fromSequence(0, 10).map((MapFunction<Long, Long>) n -> {
            if (n == 5) {
                throw new IllegalArgumentException("record 5 is broken");
            }
            return n;
        }).returns(Types.LONG).sinkTo(new DiscardingSink<>());
        try (LocalJobRunner runner = LocalJobRunner.start(env, "failing")) {
            assertThatThrownBy(() -> runner.awaitTermination(Duration.ofSeconds(120)))
                    .satisfies(e -> assertThat(ExceptionUtils.findThrowableWithMessage(e, "record 5 is broken"))
                            .isPresent());
        }
    }

    @Test
    void aJobOnACallersMiniClusterLeavesTheClusterRunningWhenCancelled() throws Exception {
        Configuration conf = new Configuration();
        try (MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(conf)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(1).withRandomPorts().build())) {
            cluster.start();
            StreamExecutionEnvironment env = countingJob(conf, Long.MAX_VALUE);
            try (LocalJobRunner endless = LocalJobRunner.submit(cluster, env, "endless", Duration.ofSeconds(60))) {
                awaitSeen(20);
                endless.cancel(Duration.ofSeconds(60));
                assertThat(endless.ended()).isTrue();
            }
            SEEN.clear();
            try (LocalJobRunner bounded = LocalJobRunner.submit(cluster, countingJob(conf, 9), "bounded",
                    Duration.ofSeconds(60))) {
                bounded.awaitTermination(Duration.ofSeconds(120));
            }
            assertThat(cluster.isRunning()).isTrue();
            assertThat(SEEN).hasSize(10);
        }
    }

    private Configuration stateConfig() {
        return FlinkEnvironments.stateConfig(dir.resolve("checkpoints"));
    }

    /** Numbers 0..last, throttled, through a keyed running count into {@link #SEEN}. */
    private static StreamExecutionEnvironment countingJob(Configuration conf, long last) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        env.fromSequence(0, last).name("numbers")
                .map((MapFunction<Long, Long>) n -> {
                    Thread.sleep(2); // slow enough that a savepoint lands in the middle of the stream
                    return n;
                }).returns(Types.LONG)
                .keyBy(n -> 0, Types.INT)
                .process(new RunningCount())
                .map((MapFunction<long[], Long>) seen -> {
                    SEEN.add(seen);
                    return seen[0];
                }).returns(Types.LONG)
                .sinkTo(new DiscardingSink<>());
        return env;
    }

    private static void awaitSeen(int records) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (SEEN.size() < records) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("only " + SEEN.size() + " of " + records + " records within 120 s");
            }
            Thread.sleep(20);
        }
    }

    private static final class RunningCount extends KeyedProcessFunction<Integer, Long, long[]> {
        private transient ValueState<Long> count;

        @Override
        public void open(OpenContext context) {
            count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
        }

        @Override
        public void processElement(Long n, Context context, Collector<long[]> out) throws Exception {
            long next = (count.value() == null ? 0 : count.value()) + 1;
            count.update(next);
            out.collect(new long[] {n, next});
        }
    }
}
