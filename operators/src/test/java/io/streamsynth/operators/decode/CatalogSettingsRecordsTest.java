package io.streamsynth.operators.decode;

import static io.streamsynth.operators.decode.TestEvents.bytes;
import static io.streamsynth.operators.decode.TestEvents.validEvent;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.model.runtime.DeviceSpec;
import io.streamsynth.operators.settings.CatalogSettings;
import io.streamsynth.operators.settings.CatalogSettingsBuilder;
import io.streamsynth.operators.settings.CatalogSettingsResolver;
import io.streamsynth.operators.train.IncompatibleStatePolicy;
import io.streamsynth.operators.types.DeadLetter;
import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.ItemKey;
import io.streamsynth.operators.types.RawEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithNonKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The decoder's side of the catalogs topic: records decoded into broadcast state, each event decoded into
 * its catalog's image contract and stamped with its settings, bad records dead-lettered, tombstones, restore.
 */
class CatalogSettingsRecordsTest {
    /** The job's flags: grey 12 x 12. */
    private static final CatalogSettings JOB = new CatalogSettingsBuilder().channels(1).resize(12).crop(12)
            .embeddingSize(8).baseFilters(4).build();
    /** An RGB catalog at S 10 / C 8. */
    private static final String RGB = "{\"schema_version\":1,\"image_channels\":3,\"image_resize\":10,"
            + "\"image_crop\":8,\"architecture\":\"cnn\",\"embedding_size\":8}";

    private BroadcastOperatorTestHarness<RawEvent, RawEvent, ImageSample> harness;

    @BeforeEach
    void open() throws Exception {
        harness = harness(null);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static BroadcastOperatorTestHarness<RawEvent, RawEvent, ImageSample> harness(OperatorSubtaskState from)
            throws Exception {
        return harness(from, 1, 0);
    }

    private static BroadcastOperatorTestHarness<RawEvent, RawEvent, ImageSample> harness(OperatorSubtaskState from,
            int parallelism, int subtask) throws Exception {
        CatalogSettingsResolver catalogs = new CatalogSettingsResolver(JOB, 1, DeviceSpec.parse("cpu"), 100, 2,
                IncompatibleStatePolicy.FAIL, 64, 100, null);
        var h = new BroadcastOperatorTestHarness<>(new CoBroadcastWithNonKeyedOperator<>(
                new DecodeEvents(EventLimits.defaults(), catalogs), List.of(DecodeEvents.CATALOG_SETTINGS)),
                parallelism, parallelism, subtask);
        if (from != null) {
            h.initializeState(from);
        }
        h.open();
        return h;
    }

    private static RawEvent settings(String catalog, String json, long offset) {
        return new RawEvent(catalog == null ? null : catalog.getBytes(StandardCharsets.UTF_8),
                json == null ? null : json.getBytes(StandardCharsets.UTF_8), "catalogs", 0, offset, 0, 0);
    }

    private static RawEvent event(String catalog, String item, long offset) {
        byte[] value = bytes(validEvent().put("catalog", catalog).put("item_id", item).put("event_id", item));
        return new RawEvent(ItemKey.encode(catalog, item), value, "images", 0, offset, 0, 0);
    }

    private List<ImageSample> samples() {
        return harness.extractOutputValues();
    }

    private List<DeadLetter> deadLetters() {
        var side = harness.getSideOutput(DecodeEvents.DEAD_LETTERS);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void aRecordDecodesItsCatalogIntoItsOwnImageContractAndStampsTheSamples() throws Exception {
        harness.processBroadcastElement(settings("products", RGB, 41), 1);
        harness.processElement(event("products", "p-1", 0), 2);
        harness.processElement(event("fashion", "f-1", 1), 3);

        ImageSample product = samples().get(0);
        assertThat(List.of(product.channels, product.height, product.width)).containsExactly(3, 10, 10);
        assertThat(product.settingsRevision).as("offset + 1").isEqualTo(42);
        assertThat(new String(product.settings, StandardCharsets.UTF_8)).isEqualTo(RGB);
        ImageSample flags = samples().get(1);
        assertThat(List.of(flags.channels, flags.height, flags.width)).containsExactly(1, 12, 12);
        assertThat(flags.settingsRevision).isZero();
        assertThat(flags.settings).isNull();
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void everyInvalidRecordIsDeadLetteredOnceNamingTheFieldAndTheCatalogKeepsItsLastValidSettings()
            throws Exception {
        harness.processBroadcastElement(settings("products", RGB, 0), 1);
        List<String> bad = List.of("{not json", RGB.replace("\"cnn\"", "\"vgg16\""),
                RGB.replace("\"image_resize\":10", "\"image_resize\":-10"),
                RGB.replace("\"embedding_size\":8,", "").replace(",\"embedding_size\":8", ""),
                RGB.replace("\"schema_version\":1", "\"schema_version\":2"),
                RGB.replace("{", "{\"catalog\":\"fashion\","));
        for (int i = 0; i < bad.size(); i++) {
            harness.processBroadcastElement(settings("products", bad.get(i), 1 + i), 2 + i);
        }
        harness.processBroadcastElement(settings(null, RGB, 10), 10);
        harness.processElement(event("products", "p-1", 0), 11);

        assertThat(deadLetters()).hasSize(bad.size() + 1)
                .allSatisfy(d -> assertThat(d.reason).isEqualTo(DecodeEvents.INVALID_CATALOG_SETTINGS));
        assertThat(deadLetters()).extracting(d -> d.detail.substring(0, d.detail.indexOf(':')))
                .containsExactly("value", "architecture", "image_resize", "embedding_size", "schema_version",
                        "catalog", "key");
        assertThat(deadLetters().get(1).value).isEqualTo(bad.get(1).getBytes(StandardCharsets.UTF_8));
        assertThat(deadLetters().get(1).source).isEqualTo("catalogs-0@2");
        ImageSample kept = samples().get(0);
        assertThat(kept.channels).as("the last valid settings").isEqualTo(3);
        assertThat(kept.settingsRevision).isEqualTo(1);
    }

    @Test
    void onlyTheFirstSubtaskDeadLettersARecordEverySubtaskRejects() throws Exception {
        try (var second = harness(null, 2, 1)) {
            second.processBroadcastElement(settings("products", RGB, 0), 1);
            second.processBroadcastElement(settings("products", RGB.replace("\"cnn\"", "\"vgg16\""), 1), 2);
            second.processElement(event("products", "p-1", 0), 3);

            assertThat(second.getSideOutput(DecodeEvents.DEAD_LETTERS)).isNullOrEmpty();
            assertThat(second.extractOutputValues().get(0).settingsRevision).as("still the valid record").isEqualTo(1);
        }
        harness.processBroadcastElement(settings("products", RGB.replace("\"cnn\"", "\"vgg16\""), 1), 2);
        assertThat(deadLetters()).hasSize(1);
    }

    @Test
    void aTombstoneReturnsTheCatalogToTheJobsFlags() throws Exception {
        harness.processBroadcastElement(settings("products", RGB, 0), 1);
        harness.processBroadcastElement(settings("products", null, 5), 2);
        harness.processElement(event("products", "p-1", 0), 3);

        ImageSample sample = samples().get(0);
        assertThat(List.of(sample.channels, sample.height)).containsExactly(1, 12);
        assertThat(sample.settingsRevision).as("a newer revision than the record's, with no settings").isEqualTo(6);
        assertThat(sample.settings).isNull();
    }

    @Test
    void theSettingsSurviveARestoreAndAnOlderRecordReadAgainChangesNothing() throws Exception {
        harness.processBroadcastElement(settings("products", RGB, 3), 1);
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();

        harness = harness(snapshot);
        harness.processBroadcastElement(settings("products", RGB.replace("\"image_resize\":10", "\"image_resize\":9"),
                2), 2);
        harness.processElement(event("products", "p-1", 0), 3);

        ImageSample sample = samples().get(0);
        assertThat(List.of(sample.channels, sample.height)).containsExactly(3, 10);
        assertThat(sample.settingsRevision).isEqualTo(4);
    }

    /** What the decoder looked up, per call; static because the harness runs a serialized copy of the function. */
    private static final List<ImageEventParser.Choice> LOOKED_UP = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** The resolver, recording each lookup. */
    private record Recording(CatalogSettingsResolver resolver) implements CatalogDecoding {
        @Override
        public ImageEventParser.Choice decoding(byte[] settings) {
            ImageEventParser.Choice c = resolver.decoding(settings);
            LOOKED_UP.add(c);
            return c;
        }

        @Override
        public byte[] check(String key, byte[] value) {
            return resolver.check(key, value);
        }
    }

    @Test
    void eachEventLooksItsCatalogUpOnceAndEveryEventOfARevisionSharesOneDecoding() throws Exception {
        LOOKED_UP.clear();
        CatalogSettingsResolver catalogs = new CatalogSettingsResolver(JOB, 1, DeviceSpec.parse("cpu"), 100, 2,
                IncompatibleStatePolicy.FAIL, 64, 100, null);
        try (var h = new BroadcastOperatorTestHarness<>(new CoBroadcastWithNonKeyedOperator<>(
                new DecodeEvents(EventLimits.defaults(), new Recording(catalogs)),
                List.of(DecodeEvents.CATALOG_SETTINGS)), 1, 1, 0)) {
            h.open();
            h.processBroadcastElement(settings("products", RGB, 0), 1);
            for (int i = 0; i < 3; i++) {
                h.processElement(event("products", "p-" + i, i), 2 + i);
            }
            h.processBroadcastElement(settings("products", RGB.replace("\"image_resize\":10", "\"image_resize\":12"),
                    1), 5);
            for (int i = 3; i < 5; i++) {
                h.processElement(event("products", "p-" + i, i), 6 + i);
            }

            assertThat(h.extractOutputValues()).hasSize(5);
            assertThat(LOOKED_UP).as("one lookup per event").hasSize(5);
            assertThat(LOOKED_UP.subList(0, 3)).allSatisfy(c -> assertThat(c).isSameAs(LOOKED_UP.get(0)));
            assertThat(LOOKED_UP.get(3)).as("the new revision's").isNotSameAs(LOOKED_UP.get(0))
                    .isSameAs(LOOKED_UP.get(4));
            assertThat(LOOKED_UP.get(3).spec().resize()).isEqualTo(12);
        }
    }
}
