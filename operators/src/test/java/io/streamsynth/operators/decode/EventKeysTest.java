package io.streamsynth.operators.decode;

import static io.streamsynth.operators.decode.TestEvents.bytes;
import static io.streamsynth.operators.decode.TestEvents.validEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.ItemKey;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The key rules of input records and delete events, through {@link ImageEventParser#parse(byte[], byte[], long)}. */
class EventKeysTest {

    private final ImageEventParser parser = new ImageEventParser(TestEvents.greyLimits(), TestEvents.greySpec(), new HeldOutSelector(0));

    @Test
    void acceptsTheItemKeyABareItemIdOrNoKey() throws Exception {
        byte[] event = bytes(validEvent());

        assertThat(parser.parse(ItemKey.encode("fashion", "sku-1"), event, 0).itemId).isEqualTo("sku-1");
        assertThat(parser.parse(text("[ \"fashion\" , \"sku-1\" ]"), event, 0).itemId).isEqualTo("sku-1");
        assertThat(parser.parse(text("sku-1"), event, 0).itemId).isEqualTo("sku-1");
        assertThat(parser.parse(null, event, 0).itemId).isEqualTo("sku-1");
    }

    @Test
    void aKeyNamingAnotherItemOrCatalogIsAMismatch() {
        byte[] event = bytes(validEvent());

        EventRejectedException otherCatalog = rejection(ItemKey.encode("shoes", "sku-1"), event);
        EventRejectedException otherItem = rejection(ItemKey.encode("fashion", "sku-2"), event);
        EventRejectedException bare = rejection(text("sku-2"), event);

        assertThat(otherCatalog.reason()).isEqualTo(EventKeys.KEY_MISMATCH);
        assertThat(otherCatalog.detail()).contains("catalog 'shoes'", "catalog 'fashion'");
        assertThat(otherItem.reason()).isEqualTo(EventKeys.KEY_MISMATCH);
        assertThat(bare.reason()).isEqualTo(EventKeys.KEY_MISMATCH);
        assertThat(bare.detail()).contains("item 'sku-2'");
    }

    @Test
    void anItemIdThatLooksLikeAKeyIsAcceptedAsABareId() throws Exception {
        String id = "[\"a\",\"b\"]";
        byte[] event = bytes(validEvent().put("item_id", id));

        assertThat(parser.parse(text(id), event, 0).itemId).isEqualTo(id);
        assertThat(parser.parse(ItemKey.encode("fashion", id), event, 0).itemId).isEqualTo(id);
    }

    @Test
    void aTombstoneDeletesTheItemItsKeyNames() throws Exception {
        ImageSample deletion = parser.parse(ItemKey.encode("fashion", "a/b"), null, 9L);

        assertThat(deletion.deleted).isTrue();
        assertThat(deletion.catalog).isEqualTo("fashion");
        assertThat(deletion.itemId).isEqualTo("a/b");
        assertThat(deletion.ingestTime).isEqualTo(9L);
        assertThat(deletion.pixels).isNull();
    }

    @Test
    void aTombstoneWithoutAKeyOrWithABareIdIsRejectedWithAReason() {
        assertThat(rejection(null, null).reason()).isEqualTo(EventKeys.TOMBSTONE_WITHOUT_KEY);
        EventRejectedException bare = rejection(text("sku-1"), null);
        assertThat(bare.reason()).isEqualTo(EventKeys.INVALID_TOMBSTONE_KEY);
        assertThat(bare.detail()).contains("[catalog, item_id]", "\"deleted\": true");
        assertThat(rejection(text("[\"fashion\",\"a\\u0001\"]"), null).reason()).isEqualTo("control_characters:item_id");
    }

    @Test
    void aJsonDeleteEventNeedsOnlyCatalogAndItem() throws Exception {
        ObjectNode delete = TestEvents.JSON.createObjectNode().put("schema_version", 1).put("catalog", "fashion")
                .put("item_id", "sku-1").put("deleted", true).put("event_id", "d-1");

        ImageSample deletion = parser.parse(ItemKey.encode("fashion", "sku-1"), bytes(delete), 0);
        ImageSample timed = parser.parse(bytes(delete.put("event_time", 5L).put("image", "not base64!")), 0);

        assertThat(deletion.deleted).isTrue();
        assertThat(deletion.eventId).isEqualTo("d-1");
        assertThat(deletion.eventTime).isZero();
        assertThat(timed.deleted).as("other fields are ignored").isTrue();
        assertThat(timed.eventTime).isEqualTo(5L);
        assertThat(rejection(ItemKey.encode("fashion", "sku-2"), bytes(delete)).reason()).isEqualTo(EventKeys.KEY_MISMATCH);
        assertThat(rejection(null, bytes(delete.put("deleted", "yes"))).reason()).isEqualTo("wrong_type:deleted");
        delete.put("deleted", true).remove("item_id");
        assertThat(rejection(null, bytes(delete)).reason()).isEqualTo("missing_field:item_id");
    }

    @Test
    void deletedFalseIsAnOrdinaryEvent() throws Exception {
        assertThat(parser.parse(null, bytes(validEvent().put("deleted", false)), 0).deleted).isFalse();
    }

    private EventRejectedException rejection(byte[] key, byte[] value) {
        EventRejectedException rejected = catchThrowableOfType(EventRejectedException.class,
                () -> parser.parse(key, value, 0));
        assertThat(rejected).as("rejection").isNotNull();
        return rejected;
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
