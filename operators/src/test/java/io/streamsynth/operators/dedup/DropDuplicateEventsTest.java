package io.streamsynth.operators.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.operators.types.DeadLetter;
import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.RawEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DropDuplicateEventsTest {
    private static final DuplicateSettings MINUTE = new DuplicateSettings(Duration.ofMinutes(1), 16);

    private KeyedOneInputStreamOperatorTestHarness<String, ImageSample, ImageSample> harness;

    @BeforeEach
    void openHarness() throws Exception {
        harness = open(null);
    }

    @AfterEach
    void closeHarness() throws Exception {
        harness.close();
    }

    @Test
    void aRetryOfAnEventIsDeadLetteredWithItsOwnOriginalBytesAndNotPassedOn() throws Exception {
        harness.processElement(sample("fashion", "sku-1", "e-1", 10), 0);
        ImageSample retry = sample("fashion", "sku-1", "e-1", 11);
        byte[] retryBytes = retry.origin.value;
        harness.processElement(retry, 0);

        assertThat(harness.extractOutputValues()).hasSize(1);
        List<DeadLetter> letters = deadLetters();
        assertThat(letters).hasSize(1);
        DeadLetter letter = letters.get(0);
        assertThat(letter.reason).isEqualTo("duplicate_event");
        assertThat(letter.value).isEqualTo(retryBytes);
        assertThat(letter.key).isEqualTo("sku-1".getBytes(StandardCharsets.UTF_8));
        assertThat(letter.source).isEqualTo("images-0@11");
        assertThat(letter.detail).contains("e-1", "sku-1");
    }

    @Test
    void aDeletePassesAndForgetsTheItemsEventIdsSoALaterEventCreatesItAnew() throws Exception {
        harness.processElement(sample("fashion", "sku-1", "e-1", 10), 0);
        harness.processElement(ImageSample.deletion("fashion", "sku-1", 0, 0), 0);
        harness.processElement(sample("fashion", "sku-1", "e-1", 12), 0);
        harness.processElement(sample("fashion", "sku-1", "e-1", 13), 0);

        assertThat(harness.extractOutputValues()).extracting(s -> s.deleted).containsExactly(false, true, false);
        assertThat(deadLetters()).extracting(letter -> letter.source).containsExactly("images-0@13");
    }

    @Test
    void passedSamplesNoLongerCarryTheirOriginalRecord() throws Exception {
        harness.processElement(sample("fashion", "sku-1", "e-1", 10), 0);

        assertThat(harness.extractOutputValues()).singleElement().satisfies(s -> {
            assertThat(s.origin).isNull();
            assertThat(s.eventId).isEqualTo("e-1");
        });
    }

    @Test
    void eventsWithoutAnIdAreNeverDuplicates() throws Exception {
        harness.processElement(sample("fashion", "sku-1", null, 10), 0);
        harness.processElement(sample("fashion", "sku-1", null, 11), 0);

        assertThat(harness.extractOutputValues()).hasSize(2);
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void theSameIdForAnotherItemOrCatalogIsNotADuplicate() throws Exception {
        harness.processElement(sample("fashion", "sku-1", "e-1", 10), 0);
        harness.processElement(sample("fashion", "sku-2", "e-1", 11), 0);
        harness.processElement(sample("shoes", "sku-1", "e-1", 12), 0);

        assertThat(harness.extractOutputValues()).hasSize(3);
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void anIdIsAcceptedAgainAfterTheRetention() throws Exception {
        harness.setProcessingTime(1_000);
        harness.processElement(sample("fashion", "sku-1", "e-1", 10), 0);
        harness.setProcessingTime(1_000 + Duration.ofMinutes(1).toMillis() + 1);
        harness.processElement(sample("fashion", "sku-1", "e-1", 11), 0);

        assertThat(harness.extractOutputValues()).hasSize(2);
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void rememberedIdsSurviveACheckpointAndRestore() throws Exception {
        harness.processElement(sample("fashion", "sku-1", "e-1", 10), 0);
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();

        harness = open(snapshot);
        harness.processElement(sample("fashion", "sku-1", "e-1", 11), 0);

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(deadLetters()).extracting(l -> l.reason).containsExactly("duplicate_event");
    }

    @Test
    void rememberedIdsUseFlinkSerializersNeverKryo() {
        assertThat(TypeInformation.of(RecentEventIds.class)).isInstanceOf(PojoTypeInfo.class);
        assertThat(DropDuplicateEvents.recentIdsState(MINUTE).getTtlConfig().isEnabled()).isTrue();
        assertThat(TypeInformation.of(ImageSample.class)).isInstanceOf(PojoTypeInfo.class);
    }

    @Test
    void theFunctionSurvivesJavaSerializationAsInAJobGraph() throws Exception {
        DropDuplicateEvents copy = InstantiationUtil.clone(new DropDuplicateEvents(MINUTE));
        assertThat(copy).isNotNull();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, ImageSample, ImageSample> open(
            OperatorSubtaskState state) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new DropDuplicateEvents(MINUTE)), ImageSample::itemKey, Types.STRING);
        if (state != null) {
            h.initializeState(state);
        }
        h.open();
        return h;
    }

    private List<DeadLetter> deadLetters() {
        var side = harness.getSideOutput(DropDuplicateEvents.DEAD_LETTERS);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
    }

    /** A decoded sample as DecodeEvents emits it; the record's bytes differ with its offset. */
    private static ImageSample sample(String catalog, String itemId, String eventId, long offset) {
        ImageSample s = new ImageSample();
        s.catalog = catalog;
        s.itemId = itemId;
        s.label = "0";
        s.channels = 1;
        s.height = 2;
        s.width = 2;
        s.pixels = new byte[4];
        s.train = true;
        s.eventId = eventId;
        if (eventId != null) {
            byte[] value = ("{\"event_id\":\"" + eventId + "\",\"offset\":" + offset + "}")
                    .getBytes(StandardCharsets.UTF_8);
            s.origin = new RawEvent(itemId.getBytes(StandardCharsets.UTF_8), value, "images", 0, offset, 5L, 6L);
        }
        return s;
    }
}
