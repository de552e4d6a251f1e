package io.streamsynth.bench.incremental;

import ai.djl.Device;
import io.streamsynth.model.data.ImageSet;
import io.streamsynth.model.metrics.RetrievalReport;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.train.EmbeddingModel;
import io.streamsynth.model.train.TrainingConfig;
import io.streamsynth.model.train.TrainingStep;
import io.streamsynth.operators.batch.BatchPolicy;
import io.streamsynth.operators.batch.CatalogBuffers;
import io.streamsynth.operators.batch.CatalogIndex;
import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.TrainerInput;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * A class-incremental feed (issue 14, part 5): the train images of each phase's classes arrive,
 * shuffled, one phase after the other, through the streaming job's own batch builder
 * ({@link CatalogBuffers} with its default {@link BatchPolicy}) into one training step per batch, as
 * the job's trainer would take them. After each phase the model is evaluated on the test images of
 * every phase so far, one group per phase (Recall@1 of a group that drops after later phases is
 * forgetting), on the union of the seen classes and on the classes no phase trains on.
 *
 * <p>Replay: with {@code replay} (the job's behaviour) earlier classes stay in the buffers, so the
 * builder may pick them for a batch: {@code BatchComposer.pickClasses} takes the P eligible classes
 * with the most fresh samples, and an old class, holding none, fills a batch only when fewer than P
 * classes have fresh samples. Without replay the buffered samples of earlier phases are removed when
 * a phase starts, as if the buffers had been emptied; a phase with fewer than P classes then trains
 * on nothing.
 *
 * <p>What differs from the job: no Flink, no Kafka, no held-out selection or publishing; pixels are
 * scaled to [0, 1] without augmentation, as the offline trainer does.
 */
public final class ClassIncrementalRun {
    private static final String CATALOG = "class-incremental";
    private static final int EMBED_BATCH = 512;

    /**
     * @param phases          classes arriving in each phase, in order; a class in at most one phase
     * @param perClass        train images fed per class (the first of a seeded shuffle)
     * @param classesPerBatch P of the batch builder
     * @param samplesPerClass K of the batch builder
     * @param embeddingSize   output dimension of the small cnn
     * @param training        loss, synthesis, optimizer
     * @param replay          keep earlier phases' samples in the buffers (the job's behaviour)
     * @param seed            weights, feed order, batch choices and k-means
     */
    public record Settings(List<List<Integer>> phases, int perClass, int classesPerBatch, int samplesPerClass,
            int embeddingSize, TrainingConfig training, boolean replay, long seed) {
        public Settings {
            if (phases.isEmpty()) {
                throw new IllegalArgumentException("--phases needs at least one phase");
            }
            Set<Integer> seen = new HashSet<>();
            List<List<Integer>> copy = new ArrayList<>();
            for (List<Integer> phase : phases) {
                if (phase.isEmpty()) {
                    throw new IllegalArgumentException("every phase needs at least one class");
                }
                for (int c : phase) {
                    if (!seen.add(c)) {
                        throw new IllegalArgumentException("class " + c + " is in two phases");
                    }
                }
                copy.add(List.copyOf(phase));
            }
            phases = List.copyOf(copy);
            if (perClass < samplesPerClass) {
                throw new IllegalArgumentException("--per-class must be at least --samples-per-class (" + samplesPerClass
                        + "), got " + perClass);
            }
            // checks P and K the way the job does
            BatchPolicy.of(classesPerBatch, samplesPerClass, seed);
        }

        /** Classes of phases 0..phase. */
        Set<Integer> classesUpTo(int phase) {
            Set<Integer> all = new TreeSet<>();
            for (int t = 0; t <= phase; t++) {
                all.addAll(phases.get(t));
            }
            return all;
        }
    }

    /**
     * Figures after one phase.
     *
     * @param phase    0-based
     * @param steps    training steps (batches) in this phase
     * @param replayed samples of earlier phases' classes in this phase's batches
     * @param groups   one report per phase 0..phase, on the test images of that phase's classes
     * @param seen     on the test images of every class of phases 0..phase
     * @param unseen   on the test images of the classes no phase trains on; null when fewer than two
     */
    public record PhaseResult(int phase, long steps, long replayed, List<RetrievalReport> groups, RetrievalReport seen,
            RetrievalReport unseen) {}

    private ClassIncrementalRun() {}

    /**
     * @param train images the phases draw from; must hold at least {@code perClass} of every phase's class
     * @param test  held-out images of every class, evaluated per group
     * @throws IllegalArgumentException when a class has too few train images
     */
    public static List<PhaseResult> run(Settings s, ImageSet train, ImageSet test, Device device, PrintStream progress)
            throws Exception {
        Architecture architecture = new Architecture(Architecture.Kind.CNN, train.channels(), train.height(),
                train.width(), s.embeddingSize(), 32);
        BatchPolicy policy = BatchPolicy.of(s.classesPerBatch(), s.samplesPerClass(), s.seed());
        CatalogBuffers buffers = new CatalogBuffers(policy, new HeapSampleStore());
        CatalogIndex index = new CatalogIndex();
        List<String> fedItems = new ArrayList<>();
        List<PhaseResult> results = new ArrayList<>();
        long ingest = 0;
        try (EmbeddingModel model = new EmbeddingModel(architecture, device, s.seed());
                TrainingStep step = new TrainingStep(model, s.training())) {
            for (int t = 0; t < s.phases().size(); t++) {
                if (!s.replay()) {
                    for (String item : fedItems) {
                        buffers.remove(index, item);
                    }
                }
                Set<Integer> earlier = t == 0 ? Set.of() : s.classesUpTo(t - 1);
                long steps = 0;
                long replayed = 0;
                for (int i : feed(train, s.phases().get(t), s.perClass(), s.seed() * 31 + t)) {
                    String item = "train-" + i;
                    fedItems.add(item);
                    CatalogBuffers.Outcome outcome = buffers.add(CATALOG, index, sample(train, i, item, ++ingest));
                    if (outcome.rejection() != null) {
                        throw new IllegalStateException("the batch builder rejected " + item + ": " + outcome.rejection());
                    }
                    TrainerInput batch = outcome.batch();
                    if (batch != null) {
                        int[] labels = new int[batch.count()];
                        for (int n = 0; n < labels.length; n++) {
                            labels[n] = Integer.parseInt(batch.labels[n]);
                            if (earlier.contains(labels[n])) {
                                replayed++;
                            }
                        }
                        step.run(scaled(batch.pixels), labels);
                        steps++;
                    }
                }
                results.add(evaluate(s, t, steps, replayed, model, test));
                progress.printf("phase %d (classes %s): %d steps, %d replayed samples%n", t, s.phases().get(t), steps,
                        replayed);
            }
        }
        return results;
    }

    private static PhaseResult evaluate(Settings s, int t, long steps, long replayed, EmbeddingModel model,
            ImageSet test) {
        List<RetrievalReport> groups = new ArrayList<>();
        for (int g = 0; g <= t; g++) {
            groups.add(report(model, test.filterClasses(new HashSet<>(s.phases().get(g))), s.seed()));
        }
        RetrievalReport seen = report(model, test.filterClasses(s.classesUpTo(t)), s.seed());
        Set<Integer> unseenClasses = new TreeSet<>();
        for (int label : test.labels()) {
            unseenClasses.add(label);
        }
        unseenClasses.removeAll(s.classesUpTo(s.phases().size() - 1));
        RetrievalReport unseen = unseenClasses.size() < 2 ? null
                : report(model, test.filterClasses(unseenClasses), s.seed());
        return new PhaseResult(t, steps, replayed, List.copyOf(groups), seen, unseen);
    }

    private static RetrievalReport report(EmbeddingModel model, ImageSet images, long seed) {
        return RetrievalReport.evaluate(model.embed(images.pixels(), EMBED_BATCH), images.labels(), seed);
    }

    /** Indices of {@code perClass} images of each class, the classes' images interleaved in a seeded shuffle. */
    static int[] feed(ImageSet train, List<Integer> classes, int perClass, long seed) {
        Random random = new Random(seed);
        List<Integer> chosen = new ArrayList<>();
        for (int c : classes) {
            List<Integer> ofClass = new ArrayList<>();
            for (int i = 0; i < train.size(); i++) {
                if (train.label(i) == c) {
                    ofClass.add(i);
                }
            }
            if (ofClass.size() < perClass) {
                throw new IllegalArgumentException("class " + c + " has " + ofClass.size() + " train images, fewer than "
                        + "--per-class " + perClass);
            }
            java.util.Collections.shuffle(ofClass, random);
            chosen.addAll(ofClass.subList(0, perClass));
        }
        java.util.Collections.shuffle(chosen, random);
        return chosen.stream().mapToInt(Integer::intValue).toArray();
    }

    private static ImageSample sample(ImageSet images, int i, String item, long ingestTime) {
        ImageSample s = new ImageSample();
        s.catalog = CATALOG;
        s.itemId = item;
        s.label = Integer.toString(images.label(i));
        s.channels = images.channels();
        s.height = images.height();
        s.width = images.width();
        float[] pixels = images.image(i);
        byte[] bytes = new byte[pixels.length];
        for (int p = 0; p < pixels.length; p++) {
            bytes[p] = (byte) Math.round(Math.max(0f, Math.min(1f, pixels[p])) * 255f);
        }
        s.pixels = bytes;
        s.eventTime = ingestTime;
        s.ingestTime = ingestTime;
        s.train = true;
        return s;
    }

    private static float[] scaled(byte[] pixels) {
        float[] out = new float[pixels.length];
        for (int p = 0; p < pixels.length; p++) {
            out[p] = (pixels[p] & 0xff) / 255f;
        }
        return out;
    }
}
