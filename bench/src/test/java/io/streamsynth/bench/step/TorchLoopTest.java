package io.streamsynth.bench.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamsynth.model.runtime.TorchRuntime;
import io.streamsynth.model.train.TrainingConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Python side of {@code bench pytorch} computes the same loss as ours and runs as a loop. Needs
 * Debian's python3-torch and python3-torchvision; without them the tests are skipped, not passed.
 */
class TorchLoopTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void needsTorch() {
        assumeThat(TorchLoop.unavailable(PYTHON)).as("python3 with torch and torchvision").isEmpty();
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void pythonLossMatchesOursForEachSynthesisOnOneFixedBatch() throws Exception {
        int p = 3;
        int k = 4;
        int d = 16;
        int b = p * k;
        int[] labels = new int[b];
        float[] values = new float[b * d];
        Random random = new Random(5);
        // classes interleaved in batch order, so neighbour pairing is not simply i with i + 1
        for (int i = 0; i < b; i++) {
            labels[i] = i % p;
        }
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        float[][] unit = new float[b][d];
        for (int i = 0; i < b; i++) {
            double norm = 0;
            for (int j = 0; j < d; j++) {
                norm += values[i * d + j] * values[i * d + j];
            }
            for (int j = 0; j < d; j++) {
                unit[i][j] = (float) (values[i * d + j] / Math.sqrt(norm));
                values[i * d + j] = unit[i][j];
            }
        }
        Map<String, Double> ours = new LinkedHashMap<>();
        try (NDManager manager = TorchRuntime.engine().newBaseManager()) {
            for (String synthesis : new String[] {"none", "ee", "symm"}) {
                TrainingConfig c = new TrainingConfig("triplet", Float.NaN, synthesis, 2, "adam", 1e-3f, 0.9f, 0f);
                NDArray embeddings = manager.create(values, new Shape(b, d));
                NDArray loss = c.newLoss().compute(c.newMiner().mine(c.newSynthesis().expand(embeddings, labels),
                        labels));
                ours.put(synthesis, (double) loss.getFloat());
            }
        }
        JsonNode theirs = runLossMode(Map.of("embeddings", unit, "labels", labels));
        for (Map.Entry<String, Double> e : ours.entrySet()) {
            assertThat(theirs.get(e.getKey()).asDouble()).as(e.getKey()).isCloseTo(e.getValue(), within(1e-4));
        }
        // the batch is one where synthesis makes negatives harder, so the three cases are not one number
        assertThat(ours.get("ee")).isGreaterThan(ours.get("none"));
        assertThat(ours.get("symm")).isGreaterThan(ours.get("none"));
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void loopAnswersEachStepsRequestWithPositiveTimesAndAFiniteLoss() {
        TorchLoop.Config config = new TorchLoop.Config(32, new BatchShape(2, 2), "symm", 8, 1, 1e-4f);
        try (TorchLoop loop = TorchLoop.start(PYTHON, config)) {
            TorchLoop.Measurement first = loop.steps(1);
            TorchLoop.Measurement second = loop.steps(2);
            for (TorchLoop.Measurement m : new TorchLoop.Measurement[] {first, second}) {
                assertThat(m.wallMillis()).isPositive();
                assertThat(m.cpuMillis()).isPositive();
                assertThat(m.forwardCpuMillis()).isPositive();
                assertThat(m.backwardCpuMillis()).isPositive();
                assertThat(m.forwardCpuMillis() + m.backwardCpuMillis() + m.optimizerCpuMillis())
                        .isLessThanOrEqualTo(m.cpuMillis() * 1.001);
                assertThat(m.loss()).isFinite().isGreaterThanOrEqualTo(0);
            }
        }
    }

    private static JsonNode runLossMode(Map<String, Object> batch) throws Exception {
        Path script = TorchLoop.copyScript();
        try {
            Process process = new ProcessBuilder(PYTHON, script.toString(), "loss").redirectErrorStream(true).start();
            process.getOutputStream().write(JSON.writeValueAsBytes(batch));
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(output).isZero();
            return JSON.readTree(output);
        } finally {
            Files.deleteIfExists(script);
        }
    }
}
