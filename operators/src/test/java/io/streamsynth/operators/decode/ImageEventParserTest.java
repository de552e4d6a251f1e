package io.streamsynth.operators.decode;

import static io.streamsynth.operators.decode.TestEvents.bytes;
import static io.streamsynth.operators.decode.TestEvents.validEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamsynth.model.data.ImageDecoder;
import io.streamsynth.model.data.ImageLimits;
import io.streamsynth.operators.types.ImageSample;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ImageEventParserTest {

    private final ImageEventParser parser = new ImageEventParser(TestEvents.greyLimits(), TestEvents.greySpec(), new HeldOutSelector(0));

    @Test
    void validEventBecomesASampleWithItsFieldsAndPixels() throws Exception {
        ImageSample sample = parser.parse(bytes(validEvent()), 42L);

        assertThat(sample.catalog).isEqualTo("fashion");
        assertThat(sample.itemId).isEqualTo("sku-1");
        assertThat(sample.label).isEqualTo("sneaker");
        assertThat(sample.channels).isEqualTo(1);
        assertThat(sample.height).isEqualTo(TestEvents.SIDE);
        assertThat(sample.width).isEqualTo(TestEvents.SIDE);
        assertThat(sample.pixels).isEqualTo(TestEvents.greyPixels());
        assertThat(sample.eventTime).isEqualTo(1_700_000_000_000L);
        assertThat(sample.ingestTime).isEqualTo(42L);
        assertThat(sample.train).isTrue();
        assertThat(sample.heldOut).isFalse();
    }

    @Test
    void trainDefaultsToTrueAndOptionalFieldsMayBeAbsent() throws Exception {
        ObjectNode event = validEvent();
        event.remove("train");
        event.remove("event_id");

        assertThat(parser.parse(bytes(event), 0).train).isTrue();
    }

    @Test
    void labelIsOptionalForEventsThatAreNotTrainedOn() throws Exception {
        ObjectNode event = validEvent().put("train", false);
        event.remove("label");

        ImageSample sample = parser.parse(bytes(event), 0);

        assertThat(sample.train).isFalse();
        assertThat(sample.label).isNull();
    }

    @Test
    void nullMeansTheSameAsAbsent() throws Exception {
        ObjectNode event = validEvent().put("train", false).putNull("label").putNull("event_id");

        assertThat(parser.parse(bytes(event), 0).label).isNull();
        assertThat(reason(validEvent().putNull("catalog"))).isEqualTo("missing_field:catalog");
    }

    @Test
    void unknownFieldsAreIgnored() throws Exception {
        assertThat(parser.parse(bytes(validEvent().put("colour", "red")), 0).itemId).isEqualTo("sku-1");
    }

    @Test
    void trainingItemsHashedIntoTheHeldOutShareAreMarked() throws Exception {
        ImageEventParser everything = new ImageEventParser(TestEvents.greyLimits(), TestEvents.greySpec(), new HeldOutSelector(0.5));
        HeldOutSelector selector = new HeldOutSelector(0.5);
        String heldOutItem = firstItem(selector, true);

        assertThat(everything.parse(bytes(validEvent().put("item_id", heldOutItem)), 0).heldOut).isTrue();
        assertThat(everything.parse(bytes(validEvent().put("item_id", heldOutItem).put("train", false)), 0).heldOut)
                .as("an item that is never trained on is not held out of training").isFalse();
        assertThat(everything.parse(bytes(validEvent().put("item_id", firstItem(selector, false))), 0).heldOut)
                .isFalse();
    }

    @Test
    void eventOverTheByteLimitIsRejectedBeforeParsing() {
        ImageEventParser small = new ImageEventParser(
                new EventLimits(20, 128, TestEvents.greyLimits().image()), TestEvents.greySpec(), new HeldOutSelector(0));
        byte[] notEvenJson = new byte[21];

        assertThat(reason(small, notEvenJson)).isEqualTo("event_too_large");
    }

    @Test
    void malformedJsonIsInvalidJson() {
        assertThat(reason("{\"schema_version\":1,")).isEqualTo("invalid_json");
        assertThat(reason("")).isEqualTo("invalid_json");
        assertThat(reason(parser, null)).isEqualTo("invalid_json");
    }

    @Test
    void jsonThatIsNotAnObjectIsInvalidJson() {
        assertThat(reason("[1,2]")).isEqualTo("invalid_json");
        assertThat(reason("\"text\"")).isEqualTo("invalid_json");
        assertThat(reason("null")).isEqualTo("invalid_json");
    }

    @Test
    void trailingContentIsInvalidJson() {
        assertThat(reason(new String(bytes(validEvent()), StandardCharsets.UTF_8) + " {}")).isEqualTo("invalid_json");
    }

    @Test
    void duplicateKeysAreInvalidJson() {
        String json = new String(bytes(validEvent()), StandardCharsets.UTF_8);
        String withDuplicate = json.replaceFirst("\\{", "{\"catalog\":\"other\",");

        assertThat(reason(withDuplicate)).isEqualTo("invalid_json");
    }

    @Test
    void invalidUtf8IsInvalidJson() {
        byte[] json = bytes(validEvent().put("item_id", "sku-XX"));
        int at = indexOf(json, "XX".getBytes(StandardCharsets.US_ASCII));
        // An overlong encoding of '/', a classic way to smuggle characters past filters.
        json[at] = (byte) 0xc0;
        json[at + 1] = (byte) 0xaf;

        assertThat(reason(parser, json)).isEqualTo("invalid_json");
    }

    @Test
    void otherSchemaVersionsAreUnsupported() {
        assertThat(reason(validEvent().put("schema_version", 2))).isEqualTo("unsupported_schema_version");
        assertThat(reason(validEvent().put("schema_version", 1L << 40))).isEqualTo("unsupported_schema_version");
    }

    @Test
    void schemaVersionMustBeAnInteger() {
        assertThat(reason(validEvent().put("schema_version", "1"))).isEqualTo("wrong_type:schema_version");
        assertThat(reason(validEvent().put("schema_version", 1.0))).isEqualTo("wrong_type:schema_version");
    }

    @Test
    void eachRequiredFieldIsReportedByNameWhenMissing() {
        for (String field : new String[] {"schema_version", "catalog", "item_id", "label", "image", "event_time"}) {
            ObjectNode event = validEvent();
            event.remove(field);

            assertThat(reason(event)).as(field).isEqualTo("missing_field:" + field);
        }
    }

    @Test
    void typesAreNeverCoerced() {
        assertThat(reason(validEvent().put("catalog", 7))).isEqualTo("wrong_type:catalog");
        assertThat(reason(validEvent().put("item_id", true))).isEqualTo("wrong_type:item_id");
        assertThat(reason(validEvent().put("event_time", "1700000000000"))).isEqualTo("wrong_type:event_time");
        assertThat(reason(validEvent().put("event_time", 1.7e12))).isEqualTo("wrong_type:event_time");
        assertThat(reason(validEvent().put("train", "true"))).isEqualTo("wrong_type:train");
        assertThat(reason(validEvent().put("event_id", 5))).isEqualTo("wrong_type:event_id");
        ObjectNode arrayImage = validEvent();
        arrayImage.putArray("image").add(1);
        assertThat(reason(arrayImage)).isEqualTo("wrong_type:image");
    }

    @Test
    void eventTimeMustBeNonNegativeAndFitALong() {
        assertThat(reason(validEvent().put("event_time", -1))).isEqualTo("out_of_range:event_time");
        String json = new String(bytes(validEvent()), StandardCharsets.UTF_8)
                .replace("1700000000000", "99999999999999999999999");
        assertThat(reason(json)).isEqualTo("out_of_range:event_time");
    }

    @Test
    void emptyIdsAndLabelsAreRejected() {
        assertThat(reason(validEvent().put("catalog", ""))).isEqualTo("empty_field:catalog");
        assertThat(reason(validEvent().put("item_id", ""))).isEqualTo("empty_field:item_id");
        assertThat(reason(validEvent().put("label", ""))).isEqualTo("empty_field:label");
        assertThat(reason(validEvent().put("event_id", ""))).isEqualTo("empty_field:event_id");
        assertThat(reason(validEvent().put("image", ""))).isEqualTo("empty_field:image");
    }

    @Test
    void idsLongerThanTheLimitAreRejected() {
        String longest = "x".repeat(128);

        assertThat(reason(validEvent().put("item_id", longest + "x"))).isEqualTo("id_too_long:item_id");
        assertThat(reason(validEvent().put("label", longest + "x"))).isEqualTo("id_too_long:label");
        assertThat(reasonOrNull(validEvent().put("item_id", longest))).isNull();
    }

    @Test
    void idLengthCountsCharactersNotUtf16Units() {
        String emoji = "\uD83D\uDC5F";

        assertThat(reasonOrNull(validEvent().put("label", emoji.repeat(128)))).isNull();
    }

    @Test
    void controlCharactersInIdsAreRejected() {
        assertThat(reason(validEvent().put("catalog", "fash\nion"))).isEqualTo("control_characters:catalog");
        assertThat(reason(validEvent().put("item_id", "sku\u0000"))).isEqualTo("control_characters:item_id");
        assertThat(reason(validEvent().put("label", "del\u007f"))).isEqualTo("control_characters:label");
    }

    @Test
    void imageThatIsNotBase64IsRejected() {
        assertThat(reason(validEvent().put("image", "not base64!"))).isEqualTo("invalid_base64");
    }

    @Test
    void colourImagesAreConvertedAndOtherSizesResizedToTheCatalogsSquare() throws Exception {
        byte[] colour = new byte[3 * 16];
        Arrays.fill(colour, 0, 16, (byte) 200); // red 200, green and blue 0: BT.601 luma 59.8
        byte[] larger = new byte[8 * 8];
        Arrays.fill(larger, (byte) 90);

        ImageSample converted = parser.parse(bytes(withImage(
                ImageDecoder.encodePng(3, TestEvents.SIDE, TestEvents.SIDE, colour))), 0);
        ImageSample resized = parser.parse(bytes(withImage(ImageDecoder.encodePng(1, 8, 8, larger))), 0);

        assertThat(converted.channels).isEqualTo(1);
        assertThat(converted.pixels).hasSize(16).containsOnly((byte) 60);
        assertThat(parser.channelsConverted()).isEqualTo(1);
        assertThat(resized.height).isEqualTo(TestEvents.SIDE);
        assertThat(resized.width).isEqualTo(TestEvents.SIDE);
        assertThat(resized.pixels).hasSize(16).containsOnly((byte) 90);
    }

    @Test
    void imageRejectionsKeepTheImageReasonCode() {
        byte[] truncated = Arrays.copyOf(TestEvents.greyPng(), 40);

        assertThat(reason(withImage("plain text".getBytes(StandardCharsets.US_ASCII)))).isEqualTo("not_an_image");
        assertThat(reason(withImage(truncated))).isIn("truncated_image", "not_an_image");
    }

    @Test
    void imageOverItsByteLimitIsRejected() {
        ImageLimits tiny = new ImageLimits(10, 64, 64);
        ImageEventParser strict = new ImageEventParser(new EventLimits(1 << 20, 128, tiny), TestEvents.greySpec(),
                new HeldOutSelector(0));

        assertThat(reason(strict, bytes(validEvent()))).isEqualTo("image_too_large_bytes");
    }

    @Test
    void limitsNameTheSettingTheyReject() {
        ImageLimits image = TestEvents.greyLimits().image();

        assertThatThrownBy(() -> new EventLimits(0, 128, image)).hasMessageContaining("maxEventBytes");
        assertThatThrownBy(() -> new EventLimits(10, 0, image)).hasMessageContaining("maxIdLength");
    }

    private static ObjectNode withImage(byte[] image) {
        return validEvent().put("image", Base64.getEncoder().encodeToString(image));
    }

    private String reason(ObjectNode event) {
        return reason(parser, bytes(event));
    }

    private String reason(String json) {
        return reason(parser, json.getBytes(StandardCharsets.UTF_8));
    }

    private String reasonOrNull(ObjectNode event) {
        try {
            parser.parse(bytes(event), 0);
            return null;
        } catch (EventRejectedException e) {
            return e.reason();
        }
    }

    private static String reason(ImageEventParser parser, byte[] value) {
        EventRejectedException rejected = catchThrowableOfType(EventRejectedException.class,
                () -> parser.parse(value, 0));
        assertThat(rejected).as("rejection").isNotNull();
        return rejected.reason();
    }

    private static String firstItem(HeldOutSelector selector, boolean heldOut) {
        for (int i = 0; ; i++) {
            if (selector.isHeldOut("fashion", "sku-" + i) == heldOut) {
                return "sku-" + i;
            }
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalArgumentException("not found");
    }
}
