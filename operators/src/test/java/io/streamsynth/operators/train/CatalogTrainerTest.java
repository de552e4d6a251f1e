package io.streamsynth.operators.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.model.checkpoint.CheckpointCodec;
import io.streamsynth.operators.types.TrainerInput;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CatalogTrainerTest {
    @Test
    void snapshotRestoresTheSameTrainingTrajectory() {
        Random random = new Random(3);
        TrainerInput[] inputs = new TrainerInput[8];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = Batches.batch("shoes", 2, 2, random);
        }
        TrainerSettings settings = Batches.settings(100);
        String expected;
        byte[] snapshot;
        try (CatalogTrainer straight = CatalogTrainer.create("shoes", settings, 0)) {
            for (int i = 0; i < inputs.length; i++) {
                straight.train(inputs[i]);
                if (i == 4) {
                    snapshot = straight.snapshot();
                }
            }
            expected = CheckpointCodec.decode(straight.publish(1).checkpoint).metadata().weightsSha256();
        }
        try (CatalogTrainer first = CatalogTrainer.create("shoes", settings, 0)) {
            for (int i = 0; i < 5; i++) {
                first.train(inputs[i]);
            }
            snapshot = first.snapshot();
        }
        try (CatalogTrainer resumed = CatalogTrainer.restore("shoes", settings, snapshot)) {
            assertThat(resumed.steps()).isEqualTo(5);
            for (int i = 5; i < inputs.length; i++) {
                resumed.train(inputs[i]);
            }
            assertThat(CheckpointCodec.decode(resumed.publish(1).checkpoint).metadata().weightsSha256())
                    .isEqualTo(expected);
        }
    }
}
