package io.streamsynth.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.model.data.ImageSet;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** Both streaming benchmarks end to end on generated images, with a tiny network and short windows. */
class StreamingBenchmarksIT {
    private static final String[] SMALL_JOB = {"--embedding-size", "16", "--base-filters", "8",
        "--checkpoint-interval", "0.5", "--held-out-capacity", "50"};

    /** Ten classes of 28x28 images, each a bright bar at its own row, with noise. */
    static ImageSet generated(int count) {
        Random random = new Random(7);
        float[] pixels = new float[count * 28 * 28];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = i % 10;
            int row = 2 + 2 * labels[i];
            for (int p = 0; p < 28 * 28; p++) {
                double v = (p / 28 == row ? 0.8 : 0.2) + 0.1 * random.nextGaussian();
                pixels[i * 28 * 28 + p] = (float) Math.max(0, Math.min(1, v));
            }
        }
        return new ImageSet(1, 28, 28, pixels, labels);
    }

    private static String[] args(String... specific) {
        String[] all = new String[specific.length + SMALL_JOB.length];
        System.arraycopy(specific, 0, all, 0, specific.length);
        System.arraycopy(SMALL_JOB, 0, all, specific.length, SMALL_JOB.length);
        return all;
    }

    @Test
    @Timeout(400)
    void streamingBenchPrintsBothRatesAndTheirRatio() {
        BenchStreamingCommand bench = new BenchStreamingCommand();
        bench.images = generated(1000);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        bench.out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        int code = new CommandLine(bench).execute(args("--events", "3000", "--rounds", "1", "--warmup-rounds", "1",
                "--offline-steps", "10", "--warmup-seconds", "0", "--window-seconds", "2", "--publish-every-steps", "5"));
        String text = printed.toString(StandardCharsets.UTF_8);
        assertThat(code).as(text).isZero();
        assertThat(text).contains("warm-up round 1 (not in the medians)  offline").contains("round 1  offline")
                .contains("streaming, embedder off")
                .containsPattern("median of 1 round\\(s\\): streaming, embedder off: [0-9.]+ images/s")
                .doesNotContain("NaN");
    }

    @Test
    @Timeout(400)
    void freshnessBenchCountsTheDelaysOfTrainedEventsFromPublishedCheckpoints() throws Exception {
        BenchFreshnessCommand bench = new BenchFreshnessCommand();
        new CommandLine(bench).parseArgs(args("--rate", "100", "--seconds", "4", "--warmup-events", "200",
                "--embedder", "off", "--publish-every-steps", "3", "--publish-interval", "1"));
        BenchFreshnessCommand.Result r = bench.measure(generated(1000));
        assertThat(r.events()).isEqualTo(400);
        assertThat(r.versions()).isPositive();
        // held-out items and the last part-batch are never trained: fewer delays than events, never more
        assertThat(r.delays().count()).isPositive().isLessThanOrEqualTo(r.events());
        assertThat(r.delays().percentileMillis(0.99)).isGreaterThanOrEqualTo(r.delays().percentileMillis(0.5))
                .isGreaterThanOrEqualTo(0);
    }
}
