package io.streamsynth.operators.batch;

import java.io.Serializable;

/**
 * How {@link ClassBalancedBatchBuilder} forms P x K batches for one catalog: the batch shape, the
 * bounds on its buffers, when a batch is due, and the seed of its random choices.
 *
 * @param classesPerBatch P, the classes in every batch (at least 2: metric losses need negatives)
 * @param samplesPerClass K, the samples of each class in a batch (at least 2: they need positives)
 * @param maxSamplesPerClass the ring buffer of each class holds at most this many samples
 * @param maxClasses at most this many classes are buffered per catalog; a new class beyond it
 *     evicts the class least recently updated
 * @param freshPerBatch a batch is due once this many never-trained samples wait in classes that
 *     could take part in a batch
 * @param seed seeds the choices among classes tied on fresh samples and of replayed samples
 * @param replayClassesPerBatch of the P classes of a batch, up to this many are reserved for
 *     <i>replay classes</i>, eligible classes that hold no fresh sample, drawn uniformly at random
 *     among them (class-balanced replay), when there are any; the other places go to the classes with
 *     the most fresh samples. 0 leaves every place to fresh samples, so an old class is replayed only
 *     when fewer than P classes have fresh samples. From 0 to P - 1.
 */
public record BatchPolicy(
        int classesPerBatch,
        int samplesPerClass,
        int maxSamplesPerClass,
        int maxClasses,
        int freshPerBatch,
        long seed,
        int replayClassesPerBatch) implements Serializable {

    public static final int DEFAULT_MAX_SAMPLES_PER_CLASS = 256;
    public static final int DEFAULT_MAX_CLASSES = 1000;
    /** See {@link #replayClassesPerBatch}; docs/RESULTS.md, "Class-incremental feed", measures it. */
    public static final int DEFAULT_REPLAY_CLASSES_PER_BATCH = 0;

    public BatchPolicy {
        require(classesPerBatch >= 2, "classesPerBatch (P) must be at least 2, got " + classesPerBatch);
        require(samplesPerClass >= 2, "samplesPerClass (K) must be at least 2, got " + samplesPerClass);
        require(maxSamplesPerClass >= samplesPerClass,
                "maxSamplesPerClass must be at least samplesPerClass (" + samplesPerClass + "), got "
                        + maxSamplesPerClass);
        require(maxClasses >= classesPerBatch,
                "maxClasses must be at least classesPerBatch (" + classesPerBatch + "), got " + maxClasses);
        require(freshPerBatch >= 1, "freshPerBatch must be at least 1, got " + freshPerBatch);
        // Beyond this many fresh samples the buffers cannot hold them all, so no batch would ever start.
        long bufferCapacity = (long) maxClasses * maxSamplesPerClass;
        require(freshPerBatch <= bufferCapacity,
                "freshPerBatch must be at most maxClasses * maxSamplesPerClass (" + bufferCapacity + "), got "
                        + freshPerBatch);
        require(replayClassesPerBatch >= 0 && replayClassesPerBatch < classesPerBatch,
                "replayClassesPerBatch must be from 0 to classesPerBatch - 1 (" + (classesPerBatch - 1) + "), got "
                        + replayClassesPerBatch);
    }

    /** The policy with {@link #DEFAULT_REPLAY_CLASSES_PER_BATCH}. */
    public BatchPolicy(int classesPerBatch, int samplesPerClass, int maxSamplesPerClass, int maxClasses,
            int freshPerBatch, long seed) {
        this(classesPerBatch, samplesPerClass, maxSamplesPerClass, maxClasses, freshPerBatch, seed,
                DEFAULT_REPLAY_CLASSES_PER_BATCH);
    }

    /** P and K with the default bounds and a batch due every P*K/2 fresh samples. */
    public static BatchPolicy of(int classesPerBatch, int samplesPerClass, long seed) {
        return new BatchPolicy(classesPerBatch, samplesPerClass,
                Math.max(DEFAULT_MAX_SAMPLES_PER_CLASS, samplesPerClass),
                Math.max(DEFAULT_MAX_CLASSES, classesPerBatch),
                Math.max(1, classesPerBatch * samplesPerClass / 2),
                seed);
    }

    public BatchPolicy withMaxSamplesPerClass(int value) {
        return new BatchPolicy(classesPerBatch, samplesPerClass, value, maxClasses, freshPerBatch, seed,
                replayClassesPerBatch);
    }

    public BatchPolicy withMaxClasses(int value) {
        return new BatchPolicy(classesPerBatch, samplesPerClass, maxSamplesPerClass, value, freshPerBatch, seed,
                replayClassesPerBatch);
    }

    public BatchPolicy withFreshPerBatch(int value) {
        return new BatchPolicy(classesPerBatch, samplesPerClass, maxSamplesPerClass, maxClasses, value, seed,
                replayClassesPerBatch);
    }

    public BatchPolicy withReplayClassesPerBatch(int value) {
        return new BatchPolicy(classesPerBatch, samplesPerClass, maxSamplesPerClass, maxClasses, freshPerBatch, seed,
                value);
    }

    /** P * K, the samples in one batch. */
    public int batchSize() {
        return classesPerBatch * samplesPerClass;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
