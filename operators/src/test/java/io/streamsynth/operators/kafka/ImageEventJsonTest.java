package io.streamsynth.operators.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamsynth.model.data.ImageDecoder;
import io.streamsynth.model.image.ImageSpec;
import io.streamsynth.operators.decode.EventLimits;
import io.streamsynth.operators.decode.HeldOutSelector;
import io.streamsynth.operators.decode.ImageEventParser;
import io.streamsynth.operators.types.ImageSample;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ImageEventJsonTest {

    private final ImageEventParser parser = new ImageEventParser(EventLimits.defaults(), ImageSpec.unchanged(3, 8),
            new HeldOutSelector(0));

    @Test
    void eventsWrittenForProducersParseBackToTheSameSample() throws Exception {
        byte[] pixels = new byte[3 * 8 * 8];
        new Random(1).nextBytes(pixels);
        byte[] png = ImageDecoder.encodePng(3, 8, 8, pixels);

        ImageSample sample = parser.parse(
                ImageEventJson.encode("e-9", "shoes", "sku-\u00fc", "boot", png, 1_767_225_600_000L, true), 3L);

        assertThat(sample.catalog).isEqualTo("shoes");
        assertThat(sample.itemId).isEqualTo("sku-\u00fc");
        assertThat(sample.label).isEqualTo("boot");
        assertThat(sample.eventTime).isEqualTo(1_767_225_600_000L);
        assertThat(sample.train).isTrue();
        assertThat(sample.pixels).isEqualTo(pixels);
    }

    @Test
    void eventsForEmbeddingOnlyMayLeaveOutTheLabel() throws Exception {
        byte[] png = ImageDecoder.encodePng(3, 8, 8, new byte[3 * 8 * 8]);

        ImageSample sample = parser.parse(ImageEventJson.encode(null, "shoes", "q-1", null, png, 0L, false), 0L);

        assertThat(sample.train).isFalse();
        assertThat(sample.label).isNull();
    }

    @Test
    void writesTheDocumentedFieldsWithStandardBase64() throws Exception {
        byte[] image = {(byte) 0xfb, (byte) 0xff, 0x3e};

        JsonNode json = new ObjectMapper().readTree(ImageEventJson.encode("e", "c", "i", "l", image, 5L, true));

        assertThat(json.get("schema_version").intValue()).isEqualTo(1);
        assertThat(json.get("event_id").textValue()).isEqualTo("e");
        assertThat(json.get("image").textValue()).isEqualTo(Base64.getEncoder().encodeToString(image)).contains("+", "/");
        assertThat(json.get("event_time").isIntegralNumber()).isTrue();
        assertThat(json.get("train").booleanValue()).isTrue();
    }
}
