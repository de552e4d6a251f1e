package io.streamsynth.pipeline.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.model.checkpoint.Checkpoint;
import io.streamsynth.pipeline.kafka.EmbeddedKafka;
import io.streamsynth.pipeline.kafka.ImageEventProducer;
import io.streamsynth.pipeline.kafka.PipelineWatcher;
import io.streamsynth.pipeline.kafka.TopicSetup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Stop with a savepoint, start again from it: training continues from the same model and stored items survive. */
class RestoreFromSavepointIT {
    private static final int CLASSES = 5;
    private static final int FIRST = 500;
    private static final int ALL = 800;

    @TempDir
    Path dir;

    @Test
    @Timeout(400)
    void trainerResumesFromTheSavepointedModelAndTheEmbedderKeepsItsItems() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            JobConfig config = GeneratedCatalog.config(kafka.bootstrapServers(), "restore");
            kafka.createTopics(TopicSetup.topics(config.topics(), 2));
            try (ImageEventProducer producer = new ImageEventProducer(kafka.bootstrapServers(), new Properties(),
                    config.topics().images());
                    PipelineWatcher watcher = new PipelineWatcher(kafka.bootstrapServers(), new Properties(),
                            config.topics())) {
                LocalJobRunner first = start(config, null);
                String savepoint;
                try {
                    GeneratedCatalog.send(producer, 0, FIRST, CLASSES);
                    Waiting.untilQuietAndEmbedded(watcher, FIRST, Duration.ofSeconds(180));
                    savepoint = first.stopWithSavepoint(dir.resolve("savepoints"), Duration.ofSeconds(120));
                } catch (Exception | AssertionError e) {
                    first.close();
                    throw e;
                }
                watcher.poll(Duration.ofSeconds(2));
                Checkpoint beforeStop = watcher.newestCheckpoint().orElseThrow();
                int publishedBeforeStop = watcher.checkpoints().size();

                LocalJobRunner second = start(config, savepoint);
                try {
                    GeneratedCatalog.send(producer, FIRST, ALL, CLASSES);
                    long newest = Waiting.untilQuietAndEmbedded(watcher, ALL, Duration.ofSeconds(180));

                    List<Checkpoint> all = watcher.checkpoints();
                    for (int i = 0; i < all.size(); i++) {
                        assertThat(all.get(i).metadata().modelVersion()).as("version %d", i).isEqualTo((long) i);
                    }
                    Checkpoint afterRestart = all.get(publishedBeforeStop);
                    assertThat(afterRestart.metadata().lineage())
                            .containsEntry("resumed_from_weights_sha256", beforeStop.metadata().weightsSha256());
                    assertThat(((Number) afterRestart.metadata().lineage().get("resumed_at_step")).longValue())
                            .isEqualTo(beforeStop.metadata().step());
                    assertThat(afterRestart.metadata().step()).isGreaterThan(beforeStop.metadata().step());
                    // items stored before the stop were re-embedded by the restored embedder at the new version
                    assertThat(watcher.newestEmbeddings()).hasSize(ALL);
                    assertThat(watcher.newestEmbeddings().values()).allSatisfy(e ->
                            assertThat(e.modelVersion).isEqualTo(newest));
                    assertThat(watcher.outOfOrderEmbeddings()).isZero();
                } finally {
                    second.close();
                }
            }
        }
    }

    private LocalJobRunner start(JobConfig config, String savepoint) throws Exception {
        Configuration conf = FlinkEnvironments.stateConfig(dir.resolve("checkpoints"));
        if (savepoint != null) {
            LocalJobRunner.restoringFrom(conf, savepoint);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(conf);
        env.setParallelism(1);
        StreamsynthJob.build(env, config);
        return LocalJobRunner.start(env, savepoint == null ? "before" : "after");
    }
}
