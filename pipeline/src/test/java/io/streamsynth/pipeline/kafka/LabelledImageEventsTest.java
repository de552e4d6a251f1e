package io.streamsynth.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.operators.decode.EventLimits;
import org.junit.jupiter.api.Test;

class LabelledImageEventsTest {

    @Test
    void aLaterEventOfTheSameItemGetsANewEventIdSoTheJobDoesNotDropItAsARetry() {
        assertThat(LabelledImageEvents.eventId("sku-1", 1000L)).isEqualTo("sku-1@1000");
        assertThat(LabelledImageEvents.eventId("sku-1", 1001L)).isNotEqualTo(LabelledImageEvents.eventId("sku-1", 1000L));
    }

    @Test
    void theEventIdOfAnItemWithALongIdStaysWithinTheIdLimit() {
        String longest = "i".repeat(EventLimits.DEFAULT_MAX_ID_LENGTH);

        assertThat(LabelledImageEvents.eventId(longest, 1_767_225_600_000L)).isEqualTo("@1767225600000")
                .hasSizeLessThanOrEqualTo(EventLimits.DEFAULT_MAX_ID_LENGTH);
    }
}
