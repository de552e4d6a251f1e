package io.streamsynth.pipeline.job;

import java.nio.file.Path;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Flink environments with the state backend the design asks for: RocksDB with incremental checkpoints. */
public final class FlinkEnvironments {
    private FlinkEnvironments() {}

    /** Settings every run of the job gets, local or on a cluster. */
    public static Configuration stateConfig(Path checkpointDir) {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        if (checkpointDir != null) {
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDir.toUri().toString());
        }
        return conf;
    }

    /**
     * An in-JVM MiniCluster with the Flink Web UI on {@code webUiPort}.
     *
     * @param conf settings of the cluster, e.g. {@link #stateConfig} with the run's directories
     */
    public static StreamExecutionEnvironment localWithWebUi(int webUiPort, Configuration conf, int parallelism) {
        conf.set(RestOptions.PORT, webUiPort);
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
        env.setParallelism(parallelism);
        return env;
    }
}
