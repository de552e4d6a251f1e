package io.streamsynth.pipeline.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamsynth.model.data.FashionMnist;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.offline.OfflineConfig;
import io.streamsynth.model.offline.OfflineResult;
import io.streamsynth.model.offline.OfflineTrainer;
import io.streamsynth.model.runtime.DeviceSpec;
import io.streamsynth.model.train.TrainingConfig;
import io.streamsynth.model.train.TrainingConfigBuilder;
import io.streamsynth.operators.backbone.BackboneFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Trains on Fashion-MNIST without Flink or Kafka and prints one JSON line of retrieval figures. */
@Command(name = "offline", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train on the train split of the train classes; evaluate zero-shot on the test split of the "
                + "unseen classes and on the test split of the train classes, before and after training.",
            "Prints a progress line on stderr and exactly one JSON line on stdout."})
public final class OfflineCommand implements Callable<Integer> {
    @Option(names = "--data", description = "Folder with the Fashion-MNIST IDX files (default: ${DEFAULT-VALUE}).")
    Path data = FashionMnist.DEFAULT_DIR;

    @Option(names = "--steps", description = "Training steps (default: ${DEFAULT-VALUE}).")
    int steps = 1000;

    @Option(names = "--classes-per-batch", description = "P, classes per batch (default: ${DEFAULT-VALUE}).")
    int classesPerBatch = 4;

    @Option(names = "--samples-per-class", description = "K, samples per class (default: ${DEFAULT-VALUE}).")
    int samplesPerClass = 8;

    @Option(names = "--train-classes", split = ",",
            description = "Classes to train on, comma separated (default: 0,1,2,3,4).")
    List<Integer> trainClasses = List.of(0, 1, 2, 3, 4);

    @Option(names = "--embedding-size", description = "Embedding dimension (default: ${DEFAULT-VALUE}).")
    int embeddingSize = 128;

    @Option(names = "--seed", description = "Seed of weights, batches and k-means (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--threads", description = "PyTorch threads, 0 = one per core (default: ${DEFAULT-VALUE}).")
    int threads = 0;

    @Option(names = "--device", description = "auto, cpu or gpu:N (default: ${DEFAULT-VALUE}).")
    String device = "auto";

    @Option(names = "--pooling", description = "Head pooling: avg or gem (default: gem for the small cnn, avg "
            + "over --backbone-torchscript).")
    String pooling;

    @Option(names = "--backbone-torchscript", paramLabel = "FILE|URI",
            description = "Fine-tune this TorchScript module (N x 1 x 28 x 28 images in [0, 1] to N x F or "
                    + "N x F x h x w) under our head instead of training the small cnn; a path or Flink file system "
                    + "URI, checked with a probe forward pass before training.")
    String backboneTorchScript;

    // offline only: the streaming trainer does not checkpoint a memory, so a restored job would differ
    @Option(names = "--memory-size", paramLabel = "N",
            description = "Cross-batch memory (Wang et al., CVPR 2020): the last N embeddings and labels of earlier "
                    + "batches as extra pairs of every anchor, no gradient through them; 0 = off "
                    + "(default: ${DEFAULT-VALUE}). Not with --loss lifted.")
    int memorySize = 0;

    @Option(names = "--memory-warmup-steps", paramLabel = "N",
            description = "Train N steps without the cross-batch memory before it starts filling and taking part "
                    + "(Wang et al. start theirs once the embeddings settle; default: ${DEFAULT-VALUE}). Needs "
                    + "--memory-size above 0.")
    int memoryWarmupSteps = 0;

    @Mixin
    TrainingOptions trainingOptions = new TrainingOptions(TrainingConfigBuilder.DEFAULT_LOSS,
            TrainingConfigBuilder.DEFAULT_SYNTHESIS);

    @Override
    public Integer call() throws Exception {
        TrainingConfigBuilder builder = new TrainingConfigBuilder();
        trainingOptions.applyTo(builder);
        TrainingConfig training = builder.build().withMemorySize(memorySize).withMemoryWarmupSteps(memoryWarmupSteps);
        OfflineConfig config = new OfflineConfig(data, training, embeddingSize, steps, classesPerBatch,
                samplesPerClass, trainClasses, seed, threads, DeviceSpec.parse(device),
                backboneTorchScript == null ? null : BackboneFiles.read(BackboneChoice.qualified(backboneTorchScript)),
                pooling == null ? null : Architecture.parsePooling(pooling));
        OfflineResult result = OfflineTrainer.run(config, System.err);
        System.out.println(new ObjectMapper().writeValueAsString(result.toMap(config)));
        return 0;
    }
}
