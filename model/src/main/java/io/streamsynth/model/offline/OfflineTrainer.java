package io.streamsynth.model.offline;

import io.streamsynth.model.data.FashionMnist;
import io.streamsynth.model.data.ImageSet;
import io.streamsynth.model.metrics.RetrievalReport;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.net.TorchScriptBackbone;
import io.streamsynth.model.runtime.TorchRuntime;
import io.streamsynth.model.train.BackboneFile;
import io.streamsynth.model.train.EmbeddingModel;
import io.streamsynth.model.train.StepResult;
import io.streamsynth.model.train.TrainingStep;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;

/**
 * Trains on the train split of the train classes and measures retrieval on the test split, both on
 * the unseen classes (zero-shot) and on the train classes, before and after training. No Flink.
 */
public final class OfflineTrainer {
    private static final int EMBED_BATCH = 512;

    private OfflineTrainer() {}

    public static OfflineResult run(OfflineConfig config, PrintStream progress) throws IOException {
        TorchRuntime.engine(config.threads());
        // the backbone is checked first: a bad module must not wait for the data to load
        Architecture architecture = architecture(config, 1, FashionMnist.SIZE, FashionMnist.SIZE);
        ImageSet train = FashionMnist.load(config.data(), FashionMnist.Split.TRAIN)
                .filterClasses(new HashSet<>(config.trainClasses()));
        ImageSet test = FashionMnist.load(config.data(), FashionMnist.Split.TEST);
        ImageSet testSeen = test.filterClasses(new HashSet<>(config.trainClasses()));
        ImageSet testUnseen = test.filterClasses(config.unseenClasses());

        if (train.channels() != 1 || train.height() != FashionMnist.SIZE || train.width() != FashionMnist.SIZE) {
            throw new IOException(config.data() + " holds " + train.channels() + "x" + train.height() + "x"
                    + train.width() + " images, not Fashion-MNIST's 1x28x28");
        }
        try (EmbeddingModel model = new EmbeddingModel(architecture, config.device().resolve(), config.seed(),
                config.scriptedBackbone());
                TrainingStep step = new TrainingStep(model, config.training())) {
            RetrievalReport floorUnseen = evaluate(model, testUnseen, config.seed());
            RetrievalReport floorSeen = evaluate(model, testSeen, config.seed());

            PkSampler sampler = new PkSampler(train, config.classesPerBatch(), config.samplesPerClass(),
                    config.seed());
            ProgressLine line = new ProgressLine(progress, "train", config.steps(), Duration.ofSeconds(2));
            double[] millis = new double[config.steps()];
            double lossTail = 0;
            int tail = Math.min(50, config.steps());
            double shareSum = 0;
            for (int s = 0; s < config.steps(); s++) {
                PkSampler.Batch batch = sampler.next();
                StepResult r = step.run(batch.pixels(), batch.labels());
                millis[s] = r.millis();
                shareSum += r.syntheticShare();
                if (s >= config.steps() - tail) {
                    lossTail += r.loss() / tail;
                }
                line.update(s + 1, String.format(Locale.ROOT, "loss %.4f  synthetic %.2f", r.loss(),
                        r.syntheticShare()));
            }
            RetrievalReport unseen = evaluate(model, testUnseen, config.seed());
            RetrievalReport seen = evaluate(model, testSeen, config.seed());
            return new OfflineResult(floorUnseen, floorSeen, unseen, seen, config.steps(), median(millis), lossTail,
                    shareSum / config.steps());
        }
    }

    /** The small cnn, or the TorchScript module of the config under our head (checked by a probe). */
    static Architecture architecture(OfflineConfig config, int channels, int height, int width) {
        BackboneFile scripted = config.scriptedBackbone();
        if (scripted == null) {
            return new Architecture(Architecture.Kind.CNN, channels, height, width, config.embeddingSize(), 32,
                    config.poolingOrDefault());
        }
        return Architecture.torchScript(channels, height, width, config.embeddingSize(), config.poolingOrDefault(),
                TorchScriptBackbone.inspect(scripted, channels, height, width), scripted.sha256());
    }

    static RetrievalReport evaluate(EmbeddingModel model, ImageSet images, long seed) {
        return RetrievalReport.evaluate(model.embed(images.pixels(), EMBED_BATCH), images.labels(), seed);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
