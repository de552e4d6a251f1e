package io.streamsynth.model.offline;

import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.runtime.DeviceSpec;
import io.streamsynth.model.train.BackboneFile;
import io.streamsynth.model.train.BatchShapeRules;
import io.streamsynth.model.train.TrainingConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Settings of an offline run on Fashion-MNIST, validated once.
 *
 * @param data            folder with the four Fashion-MNIST IDX files
 * @param training        loss, synthesis and optimizer
 * @param embeddingSize   output dimension
 * @param steps           training steps
 * @param classesPerBatch P
 * @param samplesPerClass K
 * @param trainClasses    classes trained on; the others are the zero-shot (unseen) classes
 * @param seed            seeds weights, batches and k-means
 * @param threads         PyTorch intra-op threads (0: one per core)
 * @param device          auto, cpu or gpu:N
 * @param scriptedBackbone a TorchScript module taking N x 1 x 28 x 28 images in [0, 1] to fine-tune under our
 *                        head instead of the small cnn (see {@link io.streamsynth.model.net.TorchScriptBackbone});
 *                        null: the small cnn
 * @param pooling         the head's pooling; null for the network's default ({@link Architecture#defaultPooling}:
 *                        GeM for the small cnn, average pooling over a TorchScript backbone)
 */
public record OfflineConfig(Path data, TrainingConfig training, int embeddingSize, int steps, int classesPerBatch,
        int samplesPerClass, List<Integer> trainClasses, long seed, int threads, DeviceSpec device,
        BackboneFile scriptedBackbone, Architecture.Pooling pooling) {

    /** The network's default pooling. */
    public OfflineConfig(Path data, TrainingConfig training, int embeddingSize, int steps, int classesPerBatch,
            int samplesPerClass, List<Integer> trainClasses, long seed, int threads, DeviceSpec device,
            BackboneFile scriptedBackbone) {
        this(data, training, embeddingSize, steps, classesPerBatch, samplesPerClass, trainClasses, seed, threads,
                device, scriptedBackbone, null);
    }

    /** The small cnn. */
    public OfflineConfig(Path data, TrainingConfig training, int embeddingSize, int steps, int classesPerBatch,
            int samplesPerClass, List<Integer> trainClasses, long seed, int threads, DeviceSpec device) {
        this(data, training, embeddingSize, steps, classesPerBatch, samplesPerClass, trainClasses, seed, threads,
                device, null);
    }

    public static final int CLASSES = 10;

    public OfflineConfig {
        trainClasses = List.copyOf(new TreeSet<>(trainClasses));
        if (steps < 1) {
            throw new IllegalArgumentException("--steps must be at least 1, got " + steps);
        }
        BatchShapeRules.check(training, classesPerBatch, samplesPerClass);
        for (int c : trainClasses) {
            if (c < 0 || c >= CLASSES) {
                throw new IllegalArgumentException("--train-classes must be within 0.." + (CLASSES - 1) + ", got " + c);
            }
        }
        if (trainClasses.size() < classesPerBatch) {
            throw new IllegalArgumentException("--train-classes lists " + trainClasses.size()
                    + " classes, fewer than --classes-per-batch " + classesPerBatch);
        }
        if (CLASSES - trainClasses.size() < 2) {
            throw new IllegalArgumentException("--train-classes must leave at least two classes unseen for the "
                    + "zero-shot protocol");
        }
        if (threads < 0 || threads > 256) {
            throw new IllegalArgumentException("--threads must be within 0..256, got " + threads);
        }
        if (embeddingSize < 2 || embeddingSize > 4096) {
            throw new IllegalArgumentException("--embedding-size must be within 2..4096, got " + embeddingSize);
        }
    }

    /** The pooling the network gets: the one asked for, else its default. */
    public Architecture.Pooling poolingOrDefault() {
        if (pooling != null) {
            return pooling;
        }
        return Architecture.defaultPooling(scriptedBackbone == null ? Architecture.Kind.CNN
                : Architecture.Kind.TORCHSCRIPT);
    }

    public Set<Integer> unseenClasses() {
        Set<Integer> unseen = new TreeSet<>();
        for (int c = 0; c < CLASSES; c++) {
            if (!trainClasses.contains(c)) {
                unseen.add(c);
            }
        }
        return unseen;
    }
}
