package io.streamsynth.pipeline.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamsynth.model.data.ImageDecoder;
import io.streamsynth.operators.types.ItemKey;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/**
 * Input records that must each land in the dead-letter topic, with the reason code they must carry.
 * Every record has its own key (one has none), so a dead letter can be matched to the record it repeats.
 */
final class BadInputCorpus {
    /** What was sent, and the reason code its dead letter must carry. */
    record BadEvent(String kind, String key, byte[] value, String reason) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SIDE = GeneratedCatalog.SIZE;
    private static final String LONG_ID = "x".repeat(129);

    private BadInputCorpus() {}

    /** Records rejected by decoding and validation; none depends on another event. */
    static List<BadEvent> malformed() {
        List<BadEvent> bad = new ArrayList<>();
        bad.add(raw("not JSON", "{not json".getBytes(StandardCharsets.UTF_8), "invalid_json"));
        bad.add(raw("JSON array", "[1,2,3]".getBytes(StandardCharsets.UTF_8), "invalid_json"));
        bad.add(raw("invalid UTF-8 (overlong '/')",
                new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'}, "invalid_json"));
        bad.add(raw("duplicate key", ("{\"schema_version\":1,\"catalog\":\"a\",\"catalog\":\"b\"}")
                .getBytes(StandardCharsets.UTF_8), "invalid_json"));
        bad.add(raw("tombstone keyed by a bare item id", null, "invalid_tombstone_key"));
        bad.add(new BadEvent("tombstone without a key", null, null, "tombstone_without_key"));
        bad.add(new BadEvent("key naming another item", ItemKey.asString(GeneratedCatalog.CATALOG, "bad-someone-else"),
                valid("key-other").bytes(), "key_mismatch"));
        bad.add(json("schema version 2", valid("v2").put("schema_version", 2), "unsupported_schema_version"));
        bad.add(json("schema version as string", valid("v-str").put("schema_version", "1"),
                "wrong_type:schema_version"));
        bad.add(json("catalog as number", valid("cat-num").put("catalog", 42), "wrong_type:catalog"));
        bad.add(json("event_time as string", valid("time-str").put("event_time", "yesterday"),
                "wrong_type:event_time"));
        bad.add(json("train as string", valid("train-str").put("train", "yes"), "wrong_type:train"));
        bad.add(json("negative event_time", valid("time-neg").put("event_time", -1), "out_of_range:event_time"));
        bad.add(json("missing catalog", valid("no-cat").without("catalog"), "missing_field:catalog"));
        bad.add(json("missing label", valid("no-label").without("label"), "missing_field:label"));
        bad.add(json("missing image", valid("no-image").without("image"), "missing_field:image"));
        bad.add(json("null image", valid("null-image").put("image", null), "missing_field:image"));
        bad.add(json("empty item_id", valid("empty-item").put("item_id", ""), "empty_field:item_id"));
        bad.add(json("empty image", valid("empty-image").put("image", ""), "empty_field:image"));
        bad.add(json("129-character label", valid("long-label").put("label", LONG_ID), "id_too_long:label"));
        bad.add(json("129-character item_id", valid("long-item").put("item_id", LONG_ID), "id_too_long:item_id"));
        bad.add(json("129-character catalog", valid("long-cat").put("catalog", LONG_ID), "id_too_long:catalog"));
        bad.add(json("129-character event_id", valid("long-event").put("event_id", LONG_ID),
                "id_too_long:event_id"));
        bad.add(json("control character in item_id", valid("ctl-item").put("item_id", "item\u0001x"),
                "control_characters:item_id"));
        bad.add(json("newline in catalog", valid("ctl-cat").put("catalog", "gener\nated"),
                "control_characters:catalog"));
        bad.add(json("image not base64", valid("b64").put("image", "not base64!"), "invalid_base64"));
        bad.add(json("bytes that are no image", valid("text-image").image("plain text, no image"
                .getBytes(StandardCharsets.US_ASCII)), "not_an_image"));
        bad.add(json("truncated PNG", valid("trunc-png").image(truncatedPng()), "truncated_image"));
        bad.add(json("truncated JPEG", valid("trunc-jpeg").image(truncatedJpeg()), "truncated_image"));
        bad.add(json("PNG header declaring 100000x100000", valid("huge-png").image(pngHeaderOnly(100_000, 100_000)),
                "image_dimensions_too_large"));
        bad.add(json("PNG with a bad CRC", valid("bad-crc").image(pngWithBadCrc()), "corrupt_image"));
        bad.add(json("image over the 1 MiB image limit", valid("big-image").image(noise((1 << 20) + 1, 1)),
                "image_too_large_bytes"));
        bad.add(json("event just under Kafka's 1 MiB default message size", valid("near-1mib").image(
                noise(779_000, 2)), "not_an_image"));
        bad.add(json("event over the 2 MiB event limit", valid("huge-event").image(noise(1_700_000, 3)),
                "event_too_large"));
        return bad;
    }

    /** A valid event of the generated catalog, to be broken by one change. */
    static Event valid(String name) {
        Event e = new Event("bad-" + name);
        e.put("schema_version", 1);
        e.put("event_id", "bad-" + name);
        e.put("catalog", GeneratedCatalog.CATALOG);
        e.put("item_id", "bad-" + name);
        e.put("label", "1");
        e.image(ImageDecoder.encodePng(1, SIDE, SIDE, GeneratedCatalog.pixels(1, name.hashCode())));
        e.put("event_time", 1_767_225_600_000L);
        e.put("train", true);
        return e;
    }

    /** An event as an ordered JSON object. */
    static final class Event {
        final String key;
        final Map<String, Object> fields = new LinkedHashMap<>();

        Event(String key) {
            this.key = key;
        }

        Event put(String field, Object value) {
            fields.put(field, value);
            return this;
        }

        Event without(String field) {
            fields.remove(field);
            return this;
        }

        Event image(byte[] bytes) {
            return put("image", Base64.getEncoder().encodeToString(bytes));
        }

        byte[] bytes() {
            try {
                return JSON.writeValueAsBytes(fields);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static BadEvent raw(String kind, byte[] value, String reason) {
        return new BadEvent(kind, "bad-" + kind.replaceAll("[^A-Za-z0-9]+", "-"), value, reason);
    }

    private static BadEvent json(String kind, Event event, String reason) {
        return new BadEvent(kind, event.key, event.bytes(), reason);
    }

    private static byte[] pngWithBadCrc() {
        byte[] png = ImageDecoder.encodePng(1, SIDE, SIDE, GeneratedCatalog.pixels(2, 9));
        png[29] ^= 0x01; // the last byte of IHDR's CRC
        return png;
    }

    private static byte[] truncatedPng() {
        byte[] png = ImageDecoder.encodePng(1, SIDE, SIDE, GeneratedCatalog.pixels(2, 7));
        return Arrays.copyOf(png, png.length / 2);
    }

    private static byte[] truncatedJpeg() {
        BufferedImage image = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setDataElements(0, 0, SIDE, SIDE, GeneratedCatalog.pixels(3, 11));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "jpeg", out)) {
                throw new IllegalStateException("no JPEG writer");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        byte[] jpeg = out.toByteArray();
        return Arrays.copyOf(jpeg, jpeg.length / 2);
    }

    /** The PNG signature, an IHDR chunk declaring {@code width x height} grey pixels, and IEND: no pixel data. */
    static byte[] pngHeaderOnly(int width, int height) {
        ByteBuffer png = ByteBuffer.allocate(8 + 25 + 12);
        png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(17);
        ihdr.put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(png, ihdr.array());
        chunk(png, "IEND".getBytes(StandardCharsets.US_ASCII));
        return png.array();
    }

    private static void chunk(ByteBuffer png, byte[] typeAndData) {
        CRC32 crc = new CRC32();
        crc.update(typeAndData);
        png.putInt(typeAndData.length - 4).put(typeAndData).putInt((int) crc.getValue());
    }

    private static byte[] noise(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        // random bytes could by chance start like an image; make sure they do not
        bytes[0] = 'N';
        return bytes;
    }
}
