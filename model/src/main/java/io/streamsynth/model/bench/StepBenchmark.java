package io.streamsynth.model.bench;

import ai.djl.Device;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.train.EmbeddingModel;
import io.streamsynth.model.train.TrainingConfig;
import io.streamsynth.model.train.TrainingStep;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Times the training step of one loss with each synthesis method, as ratios to no synthesis
 * measured in the same run. The methods take turns, round by round, so drift of a noisy machine
 * (other processes, frequency changes) lands on all of them alike; each ratio is the median of the
 * per-round ratios.
 */
public final class StepBenchmark {
    /**
     * @param classes        P
     * @param samplesPerClass K
     * @param rounds         rounds; each times {@code stepsPerRound} steps of every method
     * @param warmupSteps    untimed steps per method before the first round
     */
    public record Settings(Architecture architecture, int classes, int samplesPerClass, int rounds,
            int stepsPerRound, int warmupSteps, Device device) {
        public Settings {
            if (classes < 2 || samplesPerClass < 2 || samplesPerClass % 2 != 0) {
                throw new IllegalArgumentException("batch needs P >= 2 and an even K >= 2, got " + classes + "x"
                        + samplesPerClass);
            }
            if (rounds < 1 || stepsPerRound < 1 || warmupSteps < 0) {
                throw new IllegalArgumentException("rounds and steps must be positive");
            }
        }
    }

    /** One method's figures: median milliseconds per step, and the median ratio to none. */
    public record Row(String loss, String synthesis, double medianMillis, double ratioToNone) {}

    private StepBenchmark() {}

    public static List<Row> run(Settings s, String loss, List<String> syntheses, Consumer<String> progress) {
        if (!syntheses.get(0).equals("none")) {
            throw new IllegalArgumentException("the first synthesis must be none: it is the baseline");
        }
        int n = s.classes() * s.samplesPerClass();
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i / s.samplesPerClass();
        }
        float[] pixels = new float[n * s.architecture().pixelsPerImage()];
        Random random = new Random(1);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextFloat();
        }
        List<EmbeddingModel> models = new ArrayList<>();
        List<TrainingStep> steps = new ArrayList<>();
        try {
            for (String synthesis : syntheses) {
                EmbeddingModel m = new EmbeddingModel(s.architecture(), s.device(), 1);
                models.add(m);
                steps.add(new TrainingStep(m, new TrainingConfig(loss, Float.NaN, synthesis, 2, "adam", 1e-4f, 0.9f,
                        0f)));
            }
            for (TrainingStep step : steps) {
                for (int i = 0; i < s.warmupSteps(); i++) {
                    step.run(pixels, labels);
                }
            }
            double[][] millis = new double[syntheses.size()][s.rounds()];
            for (int r = 0; r < s.rounds(); r++) {
                for (int m = 0; m < steps.size(); m++) {
                    long start = System.nanoTime();
                    for (int i = 0; i < s.stepsPerRound(); i++) {
                        steps.get(m).run(pixels, labels);
                    }
                    millis[m][r] = (System.nanoTime() - start) / 1e6 / s.stepsPerRound();
                }
                progress.accept(String.format(java.util.Locale.ROOT, "%s round %d/%d", loss, r + 1, s.rounds()));
            }
            List<Row> rows = new ArrayList<>();
            for (int m = 0; m < steps.size(); m++) {
                double[] ratios = new double[s.rounds()];
                for (int r = 0; r < s.rounds(); r++) {
                    ratios[r] = millis[m][r] / millis[0][r];
                }
                rows.add(new Row(loss, syntheses.get(m), median(millis[m]), median(ratios)));
            }
            return rows;
        } finally {
            steps.forEach(TrainingStep::close);
            models.forEach(EmbeddingModel::close);
        }
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    public static Map<String, Object> toMap(Row row) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("loss", row.loss());
        m.put("synthesis", row.synthesis());
        m.put("median_ms_per_step", Math.round(row.medianMillis() * 1000) / 1000.0);
        m.put("ratio_to_none", Math.round(row.ratioToNone() * 1000) / 1000.0);
        return m;
    }
}
