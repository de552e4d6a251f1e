package io.streamsynth.bench.incremental;

import ai.djl.Device;
import io.streamsynth.bench.streamoffline.BatchFeed;
import io.streamsynth.bench.streamoffline.EventSequence;
import io.streamsynth.bench.streamoffline.ReplayTraining;
import io.streamsynth.model.data.ImageSet;
import io.streamsynth.model.image.ImageSpec;
import io.streamsynth.model.metrics.RetrievalReport;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.train.EmbeddingModel;
import io.streamsynth.model.train.TrainingConfig;
import io.streamsynth.operators.batch.BatchPolicy;
import io.streamsynth.operators.types.TrainerInput;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * A class-incremental feed (issue 14, part 5): the train images of each phase's classes arrive,
 * shuffled, one phase after the other, through the streaming job's own batch builder
 * ({@link BatchFeed}: its core under the job's {@link BatchPolicy}, with a chosen
 * {@link BatchPolicy#replayClassesPerBatch}) into one training step per batch
 * ({@link ReplayTraining}: the streaming trainer's conversion of stored pixels into inputs), as the
 * job's trainer would take them. After each phase the model is evaluated on the test images of
 * every phase so far, one group per phase (Recall@1 of a group that drops after later phases is
 * forgetting), on the union of the seen classes and on the classes no phase trains on.
 *
 * <p>Replay: with {@code replay} (the job's behaviour) earlier classes stay in the buffers, so the
 * builder may pick them for a batch: {@code BatchComposer.pickClasses} takes the P eligible classes
 * with the most fresh samples, and an old class, holding none, fills a batch only when fewer than P
 * classes have fresh samples or a place is reserved for it ({@code replayClassesPerBatch}). Without replay the buffered samples of earlier phases are removed when
 * a phase starts, as if the buffers had been emptied; a phase with fewer than P classes then trains
 * on nothing.
 *
 * <p>What differs from the job: no Flink, no Kafka, no held-out selection or publishing, and the
 * images are the grey catalog's unchanged squares ({@link ImageSpec#unchanged}: x / 255, no
 * augmentation).
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
     * @param replayClasses   the batch policy's {@link BatchPolicy#replayClassesPerBatch}
     */
    public record Settings(List<List<Integer>> phases, int perClass, int classesPerBatch, int samplesPerClass,
            int embeddingSize, TrainingConfig training, boolean replay, long seed, int replayClasses) {
        /** With the job's default {@link BatchPolicy#replayClassesPerBatch}. */
        public Settings(List<List<Integer>> phases, int perClass, int classesPerBatch, int samplesPerClass,
                int embeddingSize, TrainingConfig training, boolean replay, long seed) {
            this(phases, perClass, classesPerBatch, samplesPerClass, embeddingSize, training, replay, seed,
                    BatchPolicy.DEFAULT_REPLAY_CLASSES_PER_BATCH);
        }

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
            // checks P, K and the reserved places the way the job does
            policy(classesPerBatch, samplesPerClass, seed, replayClasses);
        }

        BatchPolicy policy() {
            return policy(classesPerBatch, samplesPerClass, seed, replayClasses);
        }

        private static BatchPolicy policy(int p, int k, long seed, int replayClasses) {
            return BatchPolicy.of(p, k, seed).withReplayClassesPerBatch(replayClasses);
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
     * @param train images the phases draw from, square; must hold at least {@code perClass} of every
     *              phase's class
     * @param test  held-out images of every class, evaluated per group
     * @throws IllegalArgumentException when a class has too few train images or the images are not square
     */
    public static List<PhaseResult> run(Settings s, ImageSet train, ImageSet test, Device device, PrintStream progress)
            throws Exception {
        if (train.height() != train.width()) {
            throw new IllegalArgumentException("the batch builder stores square images, got " + train.height() + " x "
                    + train.width());
        }
        Architecture architecture = new Architecture(Architecture.Kind.CNN, train.channels(), train.height(),
                train.width(), s.embeddingSize(), 32);
        ImageSpec image = ImageSpec.unchanged(train.channels(), train.height());
        // one sequence over all phases, so every event is its own item (a repeated item id would replace a sample)
        int[] phaseStart = new int[s.phases().size() + 1];
        List<Integer> order = new ArrayList<>();
        for (int t = 0; t < s.phases().size(); t++) {
            phaseStart[t] = order.size();
            for (int i : feed(train, s.phases().get(t), s.perClass(), s.seed() * 31 + t)) {
                order.add(i);
            }
        }
        phaseStart[s.phases().size()] = order.size();
        EventSequence events = new EventSequence(CATALOG, order.stream().mapToInt(Integer::intValue).toArray());
        BatchFeed batches = new BatchFeed(CATALOG, s.policy());
        List<PhaseResult> results = new ArrayList<>();
        try (ReplayTraining training = new ReplayTraining(architecture, s.training(), image, s.seed(), device)) {
            for (int t = 0; t < s.phases().size(); t++) {
                if (!s.replay()) {
                    for (int n = 0; n < phaseStart[t]; n++) {
                        batches.remove(EventSequence.itemId(n));
                    }
                }
                Set<Integer> earlier = t == 0 ? Set.of() : s.classesUpTo(t - 1);
                long steps = 0;
                long replayed = 0;
                for (int n = phaseStart[t]; n < phaseStart[t + 1]; n++) {
                    TrainerInput batch = batches.offer(events.sample(train, n, false, n + 1L));
                    if (batch != null) {
                        for (String label : batch.labels) {
                            if (earlier.contains(Integer.parseInt(label))) {
                                replayed++;
                            }
                        }
                        training.train(List.of(batch));
                        steps++;
                    }
                }
                results.add(evaluate(s, t, steps, replayed, training.model(), test));
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
            Collections.shuffle(ofClass, random);
            chosen.addAll(ofClass.subList(0, perClass));
        }
        Collections.shuffle(chosen, random);
        return chosen.stream().mapToInt(Integer::intValue).toArray();
    }

}
