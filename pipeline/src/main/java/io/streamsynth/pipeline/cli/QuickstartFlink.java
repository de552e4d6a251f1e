package io.streamsynth.pipeline.cli;

import io.streamsynth.pipeline.job.FlinkEnvironments;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The quickstart's MiniCluster: the job's state settings, and every file it writes inside the run's folders. */
final class QuickstartFlink {
    private QuickstartFlink() {}

    /**
     * The settings: checkpoints in {@link QuickstartDirs#checkpoints}; Flink's temporary files
     * ({@code io.tmp.dirs}: the MiniCluster's working directory, the RPC jar, blobs, RocksDB;
     * {@code web.tmpdir}: uploads) in {@link QuickstartDirs#flinkTmp}; and {@code web.log.path}
     * set to {@link QuickstartDirs#logFile}, which the Web UI's "Job Manager Log" serves.
     */
    static Configuration configuration(QuickstartDirs dirs) {
        Configuration conf = FlinkEnvironments.stateConfig(dirs.checkpoints());
        String tmp = dirs.flinkTmp().toAbsolutePath().toString();
        conf.set(CoreOptions.TMP_DIRS, tmp);
        conf.set(WebOptions.TMP_DIR, tmp);
        conf.set(WebOptions.LOG_PATH, dirs.logFile().toAbsolutePath().toString());
        return conf;
    }

    /** The environment; this JVM's log must already go to the log file ({@link QuickstartLogFile}). */
    static StreamExecutionEnvironment environment(int webUiPort, QuickstartDirs dirs) {
        return FlinkEnvironments.localWithWebUi(webUiPort, configuration(dirs), 1);
    }
}
