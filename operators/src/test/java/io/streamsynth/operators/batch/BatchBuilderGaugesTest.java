package io.streamsynth.operators.batch;

import static io.streamsynth.operators.batch.TestSamples.train;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.operators.metrics.RecordedMetrics;
import io.streamsynth.operators.types.ImageSample;
import org.junit.jupiter.api.Test;

/** The buffer gauges of a subtask that holds two catalogs, read through Flink's metric groups. */
class BatchBuilderGaugesTest {
    /** P above either catalog's class count: no batch is built, so the buffers only grow or shrink by hand. */
    private static final BatchPolicy POLICY = BatchPolicy.of(6, 4, 3L).withMaxSamplesPerClass(4);

    private static void fill(BuilderHarness h, String catalog, int classes, int perClass, int firstId)
            throws Exception {
        int id = firstId;
        for (int c = 0; c < classes; c++) {
            for (int i = 0; i < perClass; i++) {
                h.send(train(catalog, "class-" + c, id++));
            }
        }
    }

    @Test
    void eachCatalogReportsItsOwnBufferAndTheOperatorTheirSum() throws Exception {
        RecordedMetrics metrics = new RecordedMetrics();
        try (BuilderHarness h = BuilderHarness.start(POLICY, metrics)) {
            // 5 classes of 6 samples, capped at 4 per class
            fill(h, "fashion", 5, 6, 0);
            assertThat(metrics.has("shoes", "bufferedClasses")).isFalse();
            // a second catalog arrives after the first: the first must keep its own figures
            fill(h, "shoes", 2, 3, 1_000);

            assertThat(metrics.gauge("fashion", "bufferedClasses")).isEqualTo(5);
            assertThat(metrics.gauge("fashion", "bufferedSamples")).isEqualTo(5 * 4);
            assertThat(metrics.gauge("shoes", "bufferedClasses")).isEqualTo(2);
            assertThat(metrics.gauge("shoes", "bufferedSamples")).isEqualTo(2 * 3);
            assertThat(metrics.gauge("bufferedClasses")).isEqualTo(5 + 2);
            assertThat(metrics.gauge("bufferedSamples")).isEqualTo(5 * 4 + 2 * 3);

            // a delete in the first catalog shows in its gauge, not in the other's
            h.send(ImageSample.deletion("fashion", "item-29", 0, 0));
            assertThat(metrics.gauge("fashion", "bufferedSamples")).isEqualTo(5 * 4 - 1);
            assertThat(metrics.gauge("shoes", "bufferedSamples")).isEqualTo(2 * 3);
            assertThat(metrics.gauge("bufferedSamples")).isEqualTo(5 * 4 - 1 + 2 * 3);
        }
    }
}
