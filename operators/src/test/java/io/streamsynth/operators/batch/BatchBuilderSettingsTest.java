package io.streamsynth.operators.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.TrainerInput;
import java.nio.charset.StandardCharsets;
import io.streamsynth.model.runtime.DeviceSpec;
import io.streamsynth.operators.settings.CatalogSettings;
import io.streamsynth.operators.settings.CatalogSettingsBuilder;
import io.streamsynth.operators.settings.CatalogSettingsResolver;
import io.streamsynth.operators.train.IncompatibleStatePolicy;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The batch builder follows the catalog settings stamped on its samples (README, "Catalog settings"). */
class BatchBuilderSettingsTest {
    private static final byte[] RGB_K4 = "rgb, K 4".getBytes(StandardCharsets.UTF_8);

    /** The job's flags: P x K = 2 x 2; the record's: 2 x 4. */
    private static KeyedOneInputStreamOperatorTestHarness<String, ImageSample, TrainerInput> harness()
            throws Exception {
        CatalogPolicies policies = settings -> settings == null ? BatchPolicy.of(2, 2, 1) : BatchPolicy.of(2, 4, 1);
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new ClassBalancedBatchBuilder(policies),
                (ImageSample s) -> s.catalog, Types.STRING);
        h.open();
        return h;
    }

    private static ImageSample rgb(String label, int id, long revision) {
        ImageSample s = TestSamples.train("shop", label, id);
        s.channels = 3;
        s.pixels = new byte[3 * TestSamples.BYTES];
        s.pixels[0] = (byte) id;
        s.settingsRevision = revision;
        s.settings = RGB_K4;
        return s;
    }

    private static List<TrainerInput> of(List<TrainerInput> out, int kind) {
        return out.stream().filter(i -> i.kind == kind).toList();
    }

    @Test
    void newerSettingsOfAnotherShapeDropTheOldSamplesAnnounceThemselvesAndShapeTheNextBatches() throws Exception {
        try (var h = harness()) {
            h.processElement(new StreamRecord<>(TestSamples.train("shop", "a", 1)));
            h.processElement(new StreamRecord<>(TestSamples.train("shop", "b", 2)));
            h.processElement(new StreamRecord<>(rgb("a", 3, 7)));
            // decoded under the job's flags before the record reached its decoder subtask: grey, refused
            h.processElement(new StreamRecord<>(TestSamples.train("shop", "b", 4)));
            h.processElement(new StreamRecord<>(TestSamples.train("shop", "a", 5)));
            for (int id = 6; id < 13; id++) {
                h.processElement(new StreamRecord<>(rgb(id < 9 ? "a" : "b", id, 7)));
            }

            List<TrainerInput> out = h.extractOutputValues();
            assertThat(of(out, TrainerInput.CATALOG_SEEN)).extracting(i -> i.settingsRevision)
                    .as("at the first event, and when the settings changed").containsExactly(0L, 7L);
            assertThat(of(out, TrainerInput.CATALOG_SEEN).get(1).settings).isEqualTo(RGB_K4);
            List<TrainerInput> batches = of(out, TrainerInput.BATCH);
            assertThat(batches).as("no grey batch: P x K = 2 x 2 never met before the change").hasSize(1);
            TrainerInput batch = batches.get(0);
            assertThat(batch.count()).as("the record's P x K").isEqualTo(8);
            assertThat(List.of(batch.channels, batch.height, batch.width)).containsExactly(3, 4, 4);
            assertThat(batch.settingsRevision).isEqualTo(7);
            assertThat(batch.settings).isEqualTo(RGB_K4);
            for (int n = 0; n < batch.count(); n++) {
                assertThat(batch.pixels[n * 3 * TestSamples.BYTES]).as("only RGB samples, ids 3 and 6-12")
                        .isIn((byte) 3, (byte) 6, (byte) 7, (byte) 8, (byte) 9, (byte) 10, (byte) 11, (byte) 12);
            }
        }
    }

    /** The policies the builder looked up; static because the harness may run a serialized copy of the operator. */
    private static final List<BatchPolicy> LOOKED_UP = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Test
    void everySampleOfARevisionSharesOneResolvedPolicy() throws Exception {
        LOOKED_UP.clear();
        CatalogSettings job = new CatalogSettingsBuilder().channels(1).resize(8).crop(8).embeddingSize(8).build();
        CatalogSettingsResolver resolver = new CatalogSettingsResolver(job, 1, DeviceSpec.parse("cpu"), 100, 2,
                IncompatibleStatePolicy.FAIL, 64, 100, null);
        CatalogPolicies recording = settings -> {
            BatchPolicy p = resolver.policy(settings);
            LOOKED_UP.add(p);
            return p;
        };
        byte[] record = ("{\"schema_version\":1,\"image_channels\":1,\"image_resize\":8,\"image_crop\":8,"
                + "\"architecture\":\"cnn\",\"embedding_size\":8,\"classes_per_batch\":2,\"samples_per_class\":4}")
                .getBytes(StandardCharsets.UTF_8);
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new ClassBalancedBatchBuilder(recording),
                (ImageSample s) -> s.catalog, Types.STRING)) {
            h.open();
            for (int id = 1; id <= 8; id++) {
                ImageSample s = TestSamples.train("shop", id % 2 == 0 ? "a" : "b", id);
                s.settingsRevision = 3;
                // each sample brings its own copy of the stamp, as after a network shuffle
                s.settings = Arrays.copyOf(record, record.length);
                h.processElement(new StreamRecord<>(s));
            }

            assertThat(of(h.extractOutputValues(), TrainerInput.BATCH)).hasSize(1);
            assertThat(LOOKED_UP).isNotEmpty().allSatisfy(p -> assertThat(p).isSameAs(LOOKED_UP.get(0)));
            assertThat(LOOKED_UP.get(0).samplesPerClass()).isEqualTo(4);
        }
    }
}
