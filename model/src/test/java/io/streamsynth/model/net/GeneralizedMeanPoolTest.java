package io.streamsynth.model.net;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.streamsynth.model.data.ImageSet;
import io.streamsynth.model.offline.PkSampler;
import io.streamsynth.model.train.EmbeddingModel;
import io.streamsynth.model.train.TrainingConfig;
import io.streamsynth.model.train.TrainingStep;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** GeM pooling in a model that lives for a whole job: nothing a forward pass makes may outlive it. */
class GeneralizedMeanPoolTest {

    private static ImageSet images(int n, Random random) {
        float[] pixels = new float[n * 28 * 28];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextFloat();
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 4;
        }
        return new ImageSet(1, 28, 28, pixels, labels);
    }

    @Test
    void trainingStepsAndInferenceLeaveNoArraysOnTheModelsManager() {
        Architecture a = new Architecture(Architecture.Kind.CNN, 1, 28, 28, 8, 4, Architecture.Pooling.GEM);
        ImageSet data = images(64, new Random(3));
        try (EmbeddingModel model = new EmbeddingModel(a, Device.cpu(), 1);
                TrainingStep step = new TrainingStep(model, TrainingConfig.defaults())) {
            NDManager parameters = model.parameters().get("avgpool.p").getArray().getManager();
            PkSampler sampler = new PkSampler(data, 4, 4, 1);
            PkSampler.Batch warm = sampler.next();
            step.run(warm.pixels(), warm.labels());
            model.embed(data.pixels(), 16);
            int before = parameters.getManagedArrays().size();

            for (int i = 0; i < 5; i++) {
                PkSampler.Batch b = sampler.next();
                step.run(b.pixels(), b.labels());
                model.embed(data.pixels(), 16);
            }

            assertThat(parameters.getManagedArrays().size())
                    .as("arrays on the manager of the parameters after 5 more steps and 20 more inference batches")
                    .isEqualTo(before);
        }
    }
}
