package io.streamsynth.operators.decode;

import static io.streamsynth.operators.decode.TestEvents.bytes;
import static io.streamsynth.operators.decode.TestEvents.validEvent;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.operators.types.DeadLetter;
import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.ItemKey;
import io.streamsynth.operators.types.RawEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DecodeEventsTest {

    private BroadcastOperatorTestHarness<RawEvent, RawEvent, ImageSample> harness;

    @BeforeEach
    void openHarness() throws Exception {
        harness = ProcessFunctionTestHarnesses.forBroadcastProcessFunction(
                new DecodeEvents(TestEvents.greyLimits(), TestEvents.greySpec(), new HeldOutSelector(0.1)),
                DecodeEvents.CATALOG_SETTINGS);
    }

    @AfterEach
    void closeHarness() throws Exception {
        harness.close();
    }

    @Test
    void validEventsComeOutAsSamples() throws Exception {
        harness.processElement(raw(bytes(validEvent()), 7), 100L);

        List<ImageSample> samples = harness.extractOutputValues();
        assertThat(samples).hasSize(1);
        assertThat(samples.get(0).itemId).isEqualTo("sku-1");
        assertThat(samples.get(0).ingestTime).isEqualTo(555L);
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void rejectedEventsGoToTheSideOutputWithTheirOriginalBytesAndReason() throws Exception {
        byte[] badJson = "{\"schema_version\":1".getBytes(StandardCharsets.UTF_8);
        byte[] missingCatalog = bytes(validEvent().without("catalog"));

        harness.processElement(raw("key-11".getBytes(StandardCharsets.UTF_8), badJson, 11), 100L);
        harness.processElement(raw(missingCatalog, 12), 101L);

        assertThat(harness.extractOutputValues()).isEmpty();
        List<DeadLetter> letters = deadLetters();
        assertThat(letters).extracting(letter -> letter.reason)
                .containsExactly("invalid_json", "missing_field:catalog");
        DeadLetter first = letters.get(0);
        assertThat(first.value).isEqualTo(badJson);
        assertThat(first.key).isEqualTo("key-11".getBytes(StandardCharsets.UTF_8));
        assertThat(first.source).isEqualTo("images-3@11");
        assertThat(first.timestamp).isEqualTo(1_000L + 11);
        assertThat(first.detail).isNotBlank();
    }

    @Test
    void samplesWithAnEventIdCarryItAndTheirRecordForTheDuplicateCheck() throws Exception {
        RawEvent withId = raw(bytes(validEvent()), 7);
        harness.processElement(withId, 1L);
        harness.processElement(raw(bytes(validEvent().without("event_id")), 8), 2L);

        List<ImageSample> samples = harness.extractOutputValues();
        assertThat(samples.get(0).eventId).isEqualTo("e-1");
        assertThat(samples.get(0).origin.value).isEqualTo(withId.value);
        assertThat(samples.get(0).origin.source()).isEqualTo("images-3@7");
        assertThat(samples.get(1).eventId).isNull();
        assertThat(samples.get(1).origin).as("nothing to dead-letter as a duplicate, nothing to carry").isNull();
    }

    @Test
    void noInputMakesTheFunctionThrow() throws Exception {
        Random random = new Random(5);
        for (int i = 0; i < 200; i++) {
            byte[] noise = new byte[random.nextInt(300)];
            random.nextBytes(noise);
            harness.processElement(raw(noise, i), i);
        }
        harness.processElement(new RawEvent(null, null, "images", 0, 999, 0, 0), 0L);

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(deadLetters()).hasSize(201);
    }

    @Test
    void validAndInvalidEventsAreSeparatedInOrder() throws Exception {
        harness.processElement(raw(bytes(validEvent().put("item_id", "a")), 1), 1L);
        harness.processElement(raw(bytes(validEvent().put("catalog", "")), 2), 2L);
        harness.processElement(raw(bytes(validEvent().put("item_id", "b")), 3), 3L);

        assertThat(harness.extractOutputValues()).extracting(sample -> sample.itemId).containsExactly("a", "b");
        assertThat(deadLetters()).extracting(letter -> letter.reason).containsExactly("empty_field:catalog");
    }

    @Test
    void functionSurvivesTheJavaSerializationFlinkShipsItWith() throws Exception {
        DecodeEvents copy = InstantiationUtil.clone(new DecodeEvents(TestEvents.greyLimits(), TestEvents.greySpec(), new HeldOutSelector(0.1)));

        try (var copied = ProcessFunctionTestHarnesses.forBroadcastProcessFunction(copy,
                DecodeEvents.CATALOG_SETTINGS)) {
            copied.processElement(raw(bytes(validEvent()), 1), 1L);
            assertThat(copied.extractOutputValues()).hasSize(1);
        }
    }

    private List<DeadLetter> deadLetters() {
        var side = harness.getSideOutput(DecodeEvents.DEAD_LETTERS);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void aKeyThatDisagreesWithTheValueIsDeadLetteredWithTheRecordAsItCame() throws Exception {
        byte[] key = ItemKey.encode("fashion", "sku-9");
        byte[] value = bytes(validEvent());

        harness.processElement(raw(key, value, 4), 1L);
        harness.processElement(raw(ItemKey.encode("fashion", "sku-1"), value, 5), 2L);

        assertThat(harness.extractOutputValues()).extracting(s -> s.itemId).containsExactly("sku-1");
        assertThat(deadLetters()).singleElement().satisfies(letter -> {
            assertThat(letter.reason).isEqualTo(EventKeys.KEY_MISMATCH);
            assertThat(letter.key).isEqualTo(key);
            assertThat(letter.value).isEqualTo(value);
        });
    }

    @Test
    void tombstonesBecomeDeletesOrDeadLettersWhenTheirKeyNamesNoItem() throws Exception {
        harness.processElement(raw(ItemKey.encode("fashion", "sku-1"), null, 1), 1L);
        harness.processElement(raw(null, null, 2), 2L);
        harness.processElement(raw("sku-1".getBytes(StandardCharsets.UTF_8), null, 3), 3L);

        assertThat(harness.extractOutputValues()).singleElement().satisfies(s -> {
            assertThat(s.deleted).isTrue();
            assertThat(s.catalog).isEqualTo("fashion");
            assertThat(s.itemId).isEqualTo("sku-1");
        });
        assertThat(deadLetters()).extracting(letter -> letter.reason)
                .containsExactly(EventKeys.TOMBSTONE_WITHOUT_KEY, EventKeys.INVALID_TOMBSTONE_KEY);
    }

    private static RawEvent raw(byte[] value, long offset) {
        return raw(null, value, offset);
    }

    private static RawEvent raw(byte[] key, byte[] value, long offset) {
        return new RawEvent(key, value, "images", 3, offset, 1_000L + offset, 555L);
    }
}
