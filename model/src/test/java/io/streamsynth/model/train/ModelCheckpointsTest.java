package io.streamsynth.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.streamsynth.model.checkpoint.Checkpoint;
import io.streamsynth.model.checkpoint.CheckpointCodec;
import io.streamsynth.model.checkpoint.CheckpointIntegrityException;
import io.streamsynth.model.checkpoint.SafeTensors;
import io.streamsynth.model.net.Architecture;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ModelCheckpointsTest {
    private static final Architecture SMALL = new Architecture(Architecture.Kind.CNN, 1, 16, 16, 16, 8);
    private static final TrainingConfig CONFIG = new TrainingConfig("ms", Float.NaN, "symm", 2, "adam", 1e-2f, 0.9f,
            0f);

    @Test
    void encodedCheckpointRestoresIdenticalEmbeddingsAndStep() {
        int[] labels = GeneratedImages.pk(3, 4);
        Random random = new Random(4);
        float[] probe = GeneratedImages.batch(labels, 16, new Random(9));
        try (EmbeddingModel model = new EmbeddingModel(SMALL, Device.cpu(), 3);
                TrainingStep step = new TrainingStep(model, CONFIG)) {
            for (int i = 0; i < 4; i++) {
                step.run(GeneratedImages.batch(labels, 16, random), labels);
            }
            byte[] bytes = CheckpointCodec.encode(ModelCheckpoints.snapshot(step, CONFIG, "shoes", 2,
                    Map.of("r_at_1", 0.5)));
            Checkpoint decoded = CheckpointCodec.decode(bytes);
            try (EmbeddingModel loaded = ModelCheckpoints.loadModel(decoded, Device.cpu())) {
                assertThat(loaded.embed(probe, 12)).isDeepEqualTo(model.embed(probe, 12));
            }
            assertThat(decoded.metadata().step()).isEqualTo(4);
            assertThat(decoded.metadata().modelVersion()).isEqualTo(2);
            assertThat(decoded.metadata().hyperParameters()).containsEntry("synthesis", "symm");
            try (EmbeddingModel other = new EmbeddingModel(SMALL, Device.cpu(), 77);
                    TrainingStep resumed = new TrainingStep(other, CONFIG)) {
                ModelCheckpoints.restore(decoded, resumed);
                assertThat(other.embed(probe, 5)).isDeepEqualTo(model.embed(probe, 5));
                assertThat(resumed.optimizer().steps()).isEqualTo(4);
                float[] next = GeneratedImages.batch(labels, 16, random);
                assertThat(resumed.run(next, labels).loss()).isEqualTo(step.run(next, labels).loss());
                assertThat(other.embed(probe, 5)).as("after one more step on both").isDeepEqualTo(model.embed(probe, 5));
            }
        }
    }

    @Test
    void weightsIncludeBatchNormStatisticsAndReadAsSafetensors() {
        try (EmbeddingModel model = new EmbeddingModel(SMALL, Device.cpu(), 3);
                TrainingStep step = new TrainingStep(model, CONFIG)) {
            Checkpoint c = ModelCheckpoints.snapshot(step, CONFIG, "c", 1, Map.of());
            SafeTensors.Contents weights = SafeTensors.read(c.weights());
            assertThat(weights.tensors().keySet()).contains("bn1.running_mean", "bn3.running_var");
            assertThat(weights.tensors()).hasSameSizeAs(model.exportWeights());
        }
    }

    @Test
    void tamperedWeightsAreRejected() {
        try (EmbeddingModel model = new EmbeddingModel(SMALL, Device.cpu(), 3);
                TrainingStep step = new TrainingStep(model, CONFIG)) {
            Checkpoint c = ModelCheckpoints.snapshot(step, CONFIG, "c", 1, Map.of());
            byte[] weights = c.weights().clone();
            weights[weights.length - 1] ^= 1;
            Checkpoint tampered = new Checkpoint(c.metadata(), weights, c.optimizerState());
            assertThatThrownBy(() -> ModelCheckpoints.restore(tampered, step))
                    .isInstanceOf(CheckpointIntegrityException.class);
        }
    }
}
