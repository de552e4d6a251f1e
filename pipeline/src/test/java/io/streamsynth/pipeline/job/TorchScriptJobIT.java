package io.streamsynth.pipeline.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.model.checkpoint.Checkpoint;
import io.streamsynth.model.checkpoint.SafeTensors;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.net.TorchScriptBackbone;
import io.streamsynth.model.runtime.DeviceSpec;
import io.streamsynth.model.train.BackboneFile;
import io.streamsynth.model.train.TrainingConfig;
import io.streamsynth.operators.backbone.BackboneFiles;
import io.streamsynth.operators.embed.EmbedderSettings;
import io.streamsynth.operators.train.IncompatibleStatePolicy;
import io.streamsynth.operators.train.TrainerSettings;
import io.streamsynth.pipeline.kafka.EmbeddedKafka;
import io.streamsynth.pipeline.kafka.ImageEventProducer;
import io.streamsynth.pipeline.kafka.PipelineWatcher;
import io.streamsynth.pipeline.kafka.TopicSetup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job over a TorchScript backbone (the model module's grey_pooled.pt, given as a file://
 * URI the operators read through Flink's file systems) on an in-JVM Kafka broker and a Flink
 * MiniCluster: checkpoints carry the module's parameters and sha256, and the embedder rebuilds each
 * version over the same module and embeds every item.
 */
class TorchScriptJobIT {
    private static final int CLASSES = 6;
    private static final int ITEMS = 300;
    private static final String MODULE = Path.of("..", "model", "src", "test", "resources", "torchscript",
            "grey_pooled.pt").toAbsolutePath().normalize().toUri().toString();

    @TempDir
    Path dir;

    @Test
    @Timeout(300)
    void trainsAndEmbedsOverTheModule() throws Exception {
        BackboneFile file = BackboneFiles.read(MODULE);
        Architecture a = Architecture.torchScript(1, GeneratedCatalog.SIZE, GeneratedCatalog.SIZE, 16,
                Architecture.Pooling.AVG, TorchScriptBackbone.inspect(file, 1, GeneratedCatalog.SIZE,
                        GeneratedCatalog.SIZE), file.sha256());
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            JobConfig base = GeneratedCatalog.config(kafka.bootstrapServers(), "ts");
            JobConfigBuilder settings = base.toBuilder().onIncompatibleState(IncompatibleStatePolicy.FAIL);
            settings.catalog().network(a, MODULE).publishEverySteps(10).publishInterval(Duration.ofSeconds(2))
                    .training().synthesis("symm");
            JobConfig config = settings.build();
            kafka.createTopics(TopicSetup.topics(config.topics(), 2));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(
                    FlinkEnvironments.stateConfig(dir.resolve("checkpoints")));
            env.setParallelism(1);
            StreamsynthJob.build(env, config);
            LocalJobRunner job = LocalJobRunner.start(env, "torchscript");
            try (ImageEventProducer producer = new ImageEventProducer(kafka.bootstrapServers(), new Properties(),
                    config.topics().images());
                    PipelineWatcher watcher = new PipelineWatcher(kafka.bootstrapServers(), new Properties(),
                            config.topics())) {
                GeneratedCatalog.send(producer, 0, ITEMS, CLASSES);

                long newest = Waiting.untilQuietAndEmbedded(watcher, ITEMS, Duration.ofSeconds(240));

                Checkpoint last = watcher.newestCheckpoint().orElseThrow();
                assertThat(last.metadata().architecture()).containsEntry("kind", "torchscript")
                        .containsEntry("backbone_sha256", file.sha256()).containsEntry("backbone_features", 32);
                assertThat(SafeTensors.read(last.weights()).tensors()).containsKeys("body.0.weight", "fc.weight");
                assertThat(watcher.newestEmbeddings()).hasSize(ITEMS);
                assertThat(watcher.newestEmbeddings().values()).allSatisfy(e -> {
                    assertThat(e.modelVersion).isEqualTo(newest);
                    assertThat(e.vector).hasSize(16);
                });
            } finally {
                job.close();
            }
        }
    }
}
