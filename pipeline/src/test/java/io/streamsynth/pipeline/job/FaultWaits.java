package io.streamsynth.pipeline.job;

import io.streamsynth.pipeline.kafka.PipelineWatcher;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;

/** Waits the fault tests need on top of {@link Waiting}. */
final class FaultWaits {
    private FaultWaits() {}

    /**
     * The job's state configuration (checkpoints under {@code checkpoints}) with a fixed-delay restart
     * strategy of {@code attempts} tries one second apart, as the fault tests recover with.
     */
    static Configuration restartingStateConfig(Path checkpoints, int attempts) {
        Configuration conf = FlinkEnvironments.stateConfig(checkpoints);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, attempts);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
        return conf;
    }

    /**
     * Polls until a read_committed consumer sees a model version above {@code version}; returns it.
     * A version is only visible once the Flink checkpoint that committed its transaction completed,
     * so this also proves a checkpoint completed after the version's training.
     */
    static long untilVersionAbove(PipelineWatcher w, long version, Duration timeout) {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (System.currentTimeMillis() < deadline) {
            w.poll(Duration.ofMillis(300));
            long newest = newestVersion(w);
            if (newest > version) {
                return newest;
            }
        }
        throw new AssertionError("no model version above " + version + " within " + timeout + "; newest "
                + newestVersion(w));
    }

    static long newestVersion(PipelineWatcher w) {
        return w.newestCheckpoint().map(c -> c.metadata().modelVersion()).orElse(0L);
    }
}
