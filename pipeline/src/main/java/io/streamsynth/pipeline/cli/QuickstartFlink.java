package io.streamsynth.pipeline.cli;

import io.streamsynth.pipeline.job.FlinkEnvironments;
import io.streamsynth.pipeline.job.JobConfig;
import io.streamsynth.pipeline.job.LocalJobRunner;
import io.streamsynth.pipeline.job.StreamsynthJob;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The quickstart's MiniCluster: the job's state settings, every file it writes inside the run's
 * folders, and the job started on it.
 */
final class QuickstartFlink {
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

    /** The environment; this JVM's log must already go to the log file ({@link QuickstartLogFile}). */
    static StreamExecutionEnvironment environment(int webUiPort, QuickstartDirs dirs) {
        return FlinkEnvironments.localWithWebUi(webUiPort, configuration(dirs), 1);
    }

    /**
     * Starts the MiniCluster with its Web UI on {@code webUiPort} and submits the whole job to it.
     *
     * @throws IllegalStateException when Flink cannot start it (the port taken, for one)
     */
    static LocalJobRunner start(int webUiPort, QuickstartDirs dirs, JobConfig config) {
        StreamExecutionEnvironment env = environment(webUiPort, dirs);
        StreamsynthJob.build(env, config);
        return LocalJobRunner.start(env, "streamsynth quickstart");
    }
}
