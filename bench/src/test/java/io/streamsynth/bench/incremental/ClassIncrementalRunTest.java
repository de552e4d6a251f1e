package io.streamsynth.bench.incremental;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.streamsynth.model.data.ImageSet;
import io.streamsynth.model.runtime.TorchRuntime;
import io.streamsynth.model.train.TrainingConfig;
import java.io.PrintStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ClassIncrementalRunTest {
    private static final int SIZE = 16;
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
    private static final TrainingConfig TRAINING = new TrainingConfig("ms", Float.NaN, "none", 2, "adam", 1e-3f, 0.9f, 0f);

    @BeforeAll
    static void engine() {
        TorchRuntime.engine(1);
    }

    @Test
    void withReplayAPhaseOfOneClassTrainsWithAnEarlierClassInEveryBatch() throws Exception {
        var settings = new ClassIncrementalRun.Settings(List.of(List.of(0, 1), List.of(2)), 24, 2, 4, 16, TRAINING,
                true, 7);
        List<ClassIncrementalRun.PhaseResult> results = ClassIncrementalRun.run(settings, images(3, 30, 1),
                images(4, 10, 2), Device.cpu(), QUIET);

        assertThat(results).hasSize(2);
        assertThat(results.get(0).steps()).isPositive();
        assertThat(results.get(0).replayed()).isZero();
        // P = 2 and only class 2 is new: every batch holds at least one old class's K samples, most batches
        // exactly one (a batch of two old classes can form only from phase 0's left-over fresh samples)
        long steps = results.get(1).steps();
        assertThat(steps).isPositive();
        assertThat(results.get(1).replayed()).isBetween(steps * 4, steps * 8 - 1);
        // after phase 0 one group, after phase 1 two; each group over its own classes' test images
        assertThat(results.get(0).groups()).hasSize(1);
        assertThat(results.get(1).groups()).hasSize(2);
        assertThat(results.get(1).groups().get(0).queries()).isEqualTo(20);
        assertThat(results.get(1).groups().get(1).queries()).isEqualTo(10);
        assertThat(results.get(1).seen().queries()).isEqualTo(30);
        // class 3 is in the test set only: a single unseen class gives no zero-shot figure
        assertThat(results.get(1).unseen()).isNull();
    }

    @Test
    void withoutReplayEarlierSamplesLeaveTheBuffersAndAOneClassPhaseCannotTrain() throws Exception {
        var settings = new ClassIncrementalRun.Settings(List.of(List.of(0, 1), List.of(2)), 24, 2, 4, 16, TRAINING,
                false, 7);
        List<ClassIncrementalRun.PhaseResult> results = ClassIncrementalRun.run(settings, images(3, 30, 1),
                images(5, 10, 2), Device.cpu(), QUIET);

        assertThat(results.get(0).steps()).isPositive();
        assertThat(results.get(1).steps()).isZero();
        assertThat(results.get(1).replayed()).isZero();
        // classes 3 and 4 are never trained on: the zero-shot group
        assertThat(results.get(1).unseen().queries()).isEqualTo(20);
    }

    @Test
    void withoutReplayTwoNewClassesTrainOnlyOnThemselves() throws Exception {
        var settings = new ClassIncrementalRun.Settings(List.of(List.of(0, 1), List.of(2, 3)), 24, 2, 4, 16, TRAINING,
                false, 3);
        List<ClassIncrementalRun.PhaseResult> results = ClassIncrementalRun.run(settings, images(4, 30, 1),
                images(4, 10, 2), Device.cpu(), QUIET);
        assertThat(results.get(1).steps()).isPositive();
        assertThat(results.get(1).replayed()).isZero();
    }

    @Test
    void aReservedReplayPlacePutsAnEarlierClassInNearlyEveryBatchWhileTwoNewClassesArrive() throws Exception {
        ImageSet train = images(4, 30, 1);
        ImageSet test = images(4, 10, 2);
        List<List<Integer>> phases = List.of(List.of(0, 1), List.of(2, 3));
        var reserving = ClassIncrementalRun.run(new ClassIncrementalRun.Settings(phases, 24, 2, 4, 16, TRAINING, true,
                3, 1), train, test, Device.cpu(), QUIET).get(1);
        var byFresh = ClassIncrementalRun.run(new ClassIncrementalRun.Settings(phases, 24, 2, 4, 16, TRAINING, true,
                3, 0), train, test, Device.cpu(), QUIET).get(1);

        // K = 4 samples of one old class in every batch but the first few, which may still take
        // phase 0's left-over fresh samples or form before an old class is free of them
        assertThat(reserving.replayed()).isGreaterThanOrEqualTo((reserving.steps() - 2) * 4);
        // without the reservation the two new classes fill the batches: old ones only from left-overs
        assertThat(byFresh.replayed()).isLessThan(byFresh.steps() * 4 / 2);
    }

    @Test
    void feedTakesPerClassImagesOfEachPhaseClassOnce() {
        ImageSet train = images(3, 30, 1);
        int[] fed = ClassIncrementalRun.feed(train, List.of(0, 2), 12, 5);
        assertThat(fed).hasSize(24).doesNotHaveDuplicates();
        assertThat(java.util.Arrays.stream(fed).filter(i -> train.label(i) == 0).count()).isEqualTo(12);
        assertThat(java.util.Arrays.stream(fed).filter(i -> train.label(i) == 2).count()).isEqualTo(12);
        assertThat(ClassIncrementalRun.feed(train, List.of(0, 2), 12, 5)).containsExactly(fed);
    }

    @Test
    void refusesAClassInTwoPhasesAndTooFewImagesPerClass() {
        assertThatThrownBy(() -> new ClassIncrementalRun.Settings(List.of(List.of(0, 1), List.of(1)), 24, 2, 4, 16,
                TRAINING, true, 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("class 1 is in two");
        assertThatThrownBy(() -> new ClassIncrementalRun.Settings(List.of(List.of(0, 1)), 3, 2, 4, 16, TRAINING, true, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--per-class");
        assertThatThrownBy(() -> ClassIncrementalRun.feed(images(2, 5, 1), List.of(0), 6, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fewer than --per-class 6");
    }

    /** count images of each class: a bright 4 x 4 square at a class-specific place, with noise. */
    private static ImageSet images(int classes, int count, long seed) {
        Random random = new Random(seed);
        int n = classes * count;
        float[] pixels = new float[n * SIZE * SIZE];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int c = i % classes;
            labels[i] = c;
            int row = 2 + 3 * (c % 4);
            int col = 2 + 3 * (c / 4);
            for (int p = 0; p < SIZE * SIZE; p++) {
                int y = p / SIZE;
                int x = p % SIZE;
                boolean inside = y >= row && y < row + 4 && x >= col && x < col + 4;
                pixels[i * SIZE * SIZE + p] = Math.max(0f, Math.min(1f,
                        (inside ? 0.9f : 0.1f) + 0.1f * (float) random.nextGaussian()));
            }
        }
        return new ImageSet(1, SIZE, SIZE, pixels, labels);
    }
}
