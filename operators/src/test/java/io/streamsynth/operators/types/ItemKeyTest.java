package io.streamsynth.operators.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ItemKeyTest {

    @Test
    void encodesAsACompactJsonArrayOfCatalogAndItem() {
        assertThat(text(ItemKey.encode("fashion", "sku-1"))).isEqualTo("[\"fashion\",\"sku-1\"]");
        assertThat(text(ItemKey.encode("c", "say \"hi\"\\"))).isEqualTo("[\"c\",\"say \\\"hi\\\"\\\\\"]");
        assertThat(ItemKey.encode("k\u00e4se", "\u00e9")).isEqualTo("[\"k\u00e4se\",\"\u00e9\"]".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void keysWithoutAGeneratorEqualWhatAJsonWriterWrites() throws Exception {
        String[] ids = {"sku-1", "a/b", "k\u00e4se", "tab\there", "del\u007f", "q\"uote", "back\\slash",
            "\ud83d\udc5f shoe", "\u2028", "x"};
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (String catalog : ids) {
            for (String item : ids) {
                byte[] expected = json.writeValueAsBytes(java.util.List.of(catalog, item));
                assertThat(ItemKey.encode(catalog, item)).as("%s / %s", catalog, item).isEqualTo(expected);
                assertThat(ItemKey.asString(catalog, item)).isEqualTo(new String(expected, StandardCharsets.UTF_8));
                assertThat(ItemKey.decode(expected)).contains(new ItemKey(catalog, item));
            }
        }
    }

    @Test
    void idsHoldingTheSeparatorsNeverShareAKey() {
        assertThat(ItemKey.encode("a/b", "c")).isNotEqualTo(ItemKey.encode("a", "b/c"));
        assertThat(ItemKey.encode("a\",\"b", "c")).isNotEqualTo(ItemKey.encode("a", "b\",\"c"));
        assertThat(ItemKey.decode(ItemKey.encode("a\",\"b", "c"))).contains(new ItemKey("a\",\"b", "c"));
    }

    @Test
    void decodesAnyValidArrayOfTwoStrings() {
        assertThat(ItemKey.decode(bytes(" [ \"c\" , \"i\\u0041\" ] "))).contains(new ItemKey("c", "iA"));
        assertThat(ItemKey.problem(bytes("[\"c\",\"i\"]"))).isNull();
    }

    @Test
    void saysWhyBytesAreNotAKey() {
        assertThat(ItemKey.problem(null)).contains("no key");
        assertThat(ItemKey.problem(bytes("sku-1"))).contains("JSON array of two strings");
        assertThat(ItemKey.problem(bytes("[\"c\"]"))).contains("JSON array of two strings");
        assertThat(ItemKey.problem(bytes("[\"c\",\"i\",\"x\"]"))).contains("JSON array of two strings");
        assertThat(ItemKey.problem(bytes("[\"c\",1]"))).contains("JSON array of two strings");
        assertThat(ItemKey.problem(bytes("[\"c\",\"i\"] x"))).contains("JSON array of two strings");
        assertThat(ItemKey.problem(bytes("[\"\",\"i\"]"))).contains("catalog is empty");
        assertThat(ItemKey.problem(new byte[] {'[', '"', (byte) 0xc0, (byte) 0xaf, '"'})).contains("UTF-8");
        assertThat(ItemKey.decode(bytes("sku-1"))).isEmpty();
    }

    @Test
    void aCatalogsPrefixMatchesItsKeysOnly() {
        String prefix = ItemKey.catalogPrefix("a");

        assertThat(ItemKey.asString("a", "x/y")).startsWith(prefix);
        assertThat(ItemKey.asString("a\"", "x")).doesNotStartWith(prefix);
        assertThat(ItemKey.asString("ab", "x")).doesNotStartWith(prefix);
    }

    @Test
    void refusesEmptyIds() {
        assertThatThrownBy(() -> ItemKey.encode("", "i")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ItemKey.encode("c", null)).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
