package io.streamsynth.operators.types;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The Kafka key of everything about one item: the images, embeddings and dead-letter topics.
 *
 * <p>Wire format: the UTF-8 bytes of a JSON array of exactly two strings, catalog then item id, with
 * no whitespace, e.g. {@code ["fashion","sku-1"]}. JSON string quoting makes it unambiguous whatever
 * the ids contain ({@code ["a/b","c"]} and {@code ["a","b/c"]} differ), and any JSON library reads
 * it. {@link #encode} writes the canonical form (Jackson's: no whitespace, only the escapes JSON
 * requires, so non-ASCII characters as raw UTF-8); log compaction and partitioning compare key bytes,
 * so producers should write exactly that form. {@link #decode} accepts any valid JSON array of two
 * non-empty strings.
 *
 * <p>The same text is the job's Flink key for items ({@link #asString}): the key groups of an item
 * are those of its Kafka key's text, and one catalog's keys share the prefix {@link #catalogPrefix}.
 */
public record ItemKey(String catalog, String itemId) {

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    public ItemKey {
        if (catalog == null || catalog.isEmpty() || itemId == null || itemId.isEmpty()) {
            throw new IllegalArgumentException("an item key needs a non-empty catalog and item id, got catalog '"
                    + catalog + "' and item '" + itemId + "'");
        }
    }

    /** The canonical key bytes of (catalog, itemId). */
    public static byte[] encode(String catalog, String itemId) {
        return new ItemKey(catalog, itemId).toBytes();
    }

    /** The canonical key text of (catalog, itemId), the Flink key of the item's state. */
    public static String asString(String catalog, String itemId) {
        ItemKey key = new ItemKey(catalog, itemId);
        return key.isPlain() ? key.plainText() : new String(key.jsonBytes(), StandardCharsets.UTF_8);
    }

    /**
     * What every key of the catalog begins with: {@code [}, the catalog as a JSON string, and the
     * comma. Another catalog cannot share it, since the closing quote of a JSON string is never
     * escaped and the comma follows it directly.
     */
    public static String catalogPrefix(String catalog) {
        String key = asString(catalog, "x");
        return key.substring(0, key.length() - "\"x\"]".length());
    }

    public byte[] toBytes() {
        return isPlain() ? plainText().getBytes(StandardCharsets.UTF_8) : jsonBytes();
    }

    /**
     * Ids that a JSON writer copies verbatim (no control character, quote, backslash or lone
     * surrogate): the key is then the ids between fixed punctuation, built without a JSON
     * generator, since key selectors call this several times per event.
     */
    private boolean isPlain() {
        return verbatimInJson(catalog) && verbatimInJson(itemId);
    }

    private static boolean verbatimInJson(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\' || Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private String plainText() {
        return "[\"" + catalog + "\",\"" + itemId + "\"]";
    }

    private byte[] jsonBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(catalog.length() + itemId.length() + 8);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartArray();
            json.writeString(catalog);
            json.writeString(itemId);
            json.writeEndArray();
        } catch (IOException e) {
            // Writing to memory does not fail with I/O errors.
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The key's (catalog, item id), or empty when the bytes are not such a key (why: {@link #problem}). */
    public static Optional<ItemKey> decode(byte[] key) {
        return Optional.ofNullable(parse(key).key);
    }

    /** Why these bytes are not an item key, or null when they are one. */
    public static String problem(byte[] key) {
        return parse(key).problem;
    }

    private record Parsed(ItemKey key, String problem) {}

    private static Parsed parse(byte[] key) {
        if (key == null) {
            return new Parsed(null, "the record has no key");
        }
        String text;
        try {
            // Strictly, for the same reason as the events: Jackson lets some invalid UTF-8 through.
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(key)).toString();
        } catch (CharacterCodingException e) {
            return new Parsed(null, "the key is not valid UTF-8");
        }
        try (JsonParser json = JSON.createParser(text)) {
            if (json.nextToken() != JsonToken.START_ARRAY) {
                return notAKey();
            }
            String[] parts = new String[2];
            for (int i = 0; i < 2; i++) {
                if (json.nextToken() != JsonToken.VALUE_STRING) {
                    return notAKey();
                }
                parts[i] = json.getText();
                if (parts[i].isEmpty()) {
                    return new Parsed(null, "the key's " + (i == 0 ? "catalog" : "item id") + " is empty");
                }
            }
            if (json.nextToken() != JsonToken.END_ARRAY || json.nextToken() != null) {
                return notAKey();
            }
            return new Parsed(new ItemKey(parts[0], parts[1]), null);
        } catch (JacksonException e) {
            return notAKey();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Parsed notAKey() {
        return new Parsed(null, "the key is not a JSON array of two strings [catalog, item_id]");
    }

    /** The key as text, as {@link #asString} gives it. */
    @Override
    public String toString() {
        return asString(catalog, itemId);
    }
}
