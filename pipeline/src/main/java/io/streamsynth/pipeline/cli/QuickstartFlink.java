package io.streamsynth.pipeline.cli;

import io.streamsynth.pipeline.job.FlinkEnvironments;
import io.streamsynth.pipeline.job.JobConfig;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import io.streamsynth.pipeline.job.LocalJobRunner;
import io.streamsynth.pipeline.job.StreamsynthJob;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The quickstart's MiniCluster: the job's state settings, every file it writes inside the run's
 * folders, the cluster started on its own (beside the broker) and the job submitted to it.
 */
final class QuickstartFlink {
    /** How long a loaded machine may take to accept the job. */
    private static final Duration SUBMIT_TIMEOUT = Duration.ofSeconds(120);

    private QuickstartFlink() {}

    /**
     * The settings: checkpoints in {@link QuickstartDirs#checkpoints}; Flink's temporary files
     * ({@code io.tmp.dirs}: the MiniCluster's working directory, the RPC jar, blobs, RocksDB;
     * {@code web.tmpdir}: uploads) in {@link QuickstartDirs#flinkTmp}; RocksDB's in
     * {@link QuickstartDirs#rocksdb}. The log the Web UI serves is {@link QuickstartLogFile}'s.
     */
    static Configuration configuration(QuickstartDirs dirs) {
        Configuration conf = FlinkEnvironments.stateConfig(dirs.checkpoints());
        String tmp = dirs.flinkTmp().toAbsolutePath().toString();
        conf.set(CoreOptions.TMP_DIRS, tmp);
        conf.set(WebOptions.TMP_DIR, tmp);
        conf.set(RocksDBOptions.LOCAL_DIRECTORIES, dirs.rocksdb().toAbsolutePath().toString());
        return conf;
    }

    /**
     * Starts the MiniCluster (one TaskManager with one slot: the quickstart's job runs at parallelism
     * 1 in one slot-sharing group) with its Web UI on {@code webUiPort}, before any job exists, so
     * that it can start while the broker does; this JVM's log must already go to the log file
     * ({@link QuickstartLogFile}).
     *
     * @throws IllegalStateException when Flink cannot start it (the port taken, for one)
     */
    static MiniCluster startCluster(int webUiPort, QuickstartDirs dirs) {
        Configuration conf = configuration(dirs);
        conf.set(RestOptions.PORT, webUiPort);
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(conf)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(1).build());
        try {
            cluster.start();
            return cluster;
        } catch (Exception e) {
            try {
                cluster.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new IllegalStateException("could not start the Flink MiniCluster with its Web UI on port "
                    + webUiPort + ": " + e.getMessage(), e);
        }
    }

    /**
     * Submits the whole job to {@code cluster} (from {@link #startCluster}), which outlives it: the
     * caller closes the cluster after the runner.
     *
     * @throws IllegalStateException when the cluster does not accept the job
     */
    static LocalJobRunner submit(MiniCluster cluster, QuickstartDirs dirs, JobConfig config) {
        // the job's own settings (state backend, checkpoint folder) travel in its graph
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(configuration(dirs));
        env.setParallelism(1);
        StreamsynthJob.build(env, config);
        return LocalJobRunner.submit(cluster, env, "streamsynth quickstart", SUBMIT_TIMEOUT);
    }

    /**
     * Starts {@link #startCluster} on a thread of its own and returns at once: the MiniCluster's
     * start (class loading, the RPC system, the Web UI; seconds on two cores) then runs beside the
     * broker's, which it does not need until the job is submitted.
     */
    static Starting startInBackground(int webUiPort, QuickstartDirs dirs) {
        return new Starting(CompletableFuture.supplyAsync(() -> startCluster(webUiPort, dirs), task -> {
            Thread t = new Thread(task, "flink-start");
            t.setDaemon(true);
            t.start();
        }));
    }

    /** A MiniCluster on its way up; closing it waits for the start to end and shuts down what started. */
    static final class Starting implements AutoCloseable {
        private final CompletableFuture<MiniCluster> start;

        private Starting(CompletableFuture<MiniCluster> start) {
            this.start = start;
        }

        /**
         * The started cluster, once it is up.
         *
         * @throws IllegalStateException as {@link #startCluster} threw it
         */
        MiniCluster await() {
            return Awaiting.result(start);
        }

        @Override
        public void close() throws Exception {
            MiniCluster cluster;
            try {
                cluster = start.join();
            } catch (CompletionException failed) {
                return; // nothing started; await() reported why
            }
            cluster.close();
        }
    }
}
