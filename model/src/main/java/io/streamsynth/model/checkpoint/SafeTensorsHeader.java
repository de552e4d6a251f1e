package io.streamsynth.model.checkpoint;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON header of a safetensors file: renders it for writing and, when reading, checks every
 * entry against the size of the byte buffer it describes.
 */
final class SafeTensorsHeader {

    static final int SIZE_PREFIX_BYTES = Long.BYTES;
    /** Largest array the JVM reliably allocates; a few words below Integer.MAX_VALUE. */
    static final long MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8;

    private static final String METADATA_KEY = "__metadata__";
    private static final String F32 = "F32";
    /** The reference writer pads so the byte buffer starts 8-byte aligned, letting readers map it in place. */
    private static final int ALIGNMENT = 8;
    private static final byte PAD = ' ';

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            // A header naming one tensor twice is ambiguous; refuse it rather than keep the last one.
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** One tensor's header entry; offsets are relative to the start of the byte buffer. */
    record Entry(String name, StoredType dtype, long[] shape, long begin, long end) {
    }

    /**
     * The element types a file may store. Writing is always F32; half-precision files (a common way to
     * ship pretrained weights) are widened to float on reading, which is exact.
     */
    enum StoredType {
        F32(4), F16(2), BF16(2);

        final int bytes;

        StoredType(int bytes) {
            this.bytes = bytes;
        }

        static StoredType parse(String tensor, String name) {
            for (StoredType t : values()) {
                if (t.name().equals(name)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("tensor '" + tensor + "' has unsupported dtype '" + name
                    + "': only F32, F16 and BF16 are supported");
        }
    }

    private final List<Entry> entriesInBufferOrder;
    private final Map<String, String> metadata;

    private SafeTensorsHeader(List<Entry> entriesInBufferOrder, Map<String, String> metadata) {
        this.entriesInBufferOrder = entriesInBufferOrder;
        this.metadata = metadata;
    }

    List<Entry> entriesInBufferOrder() {
        return entriesInBufferOrder;
    }

    Map<String, String> metadata() {
        return metadata;
    }

    /**
     * The header bytes for {@code tensors} laid out contiguously in iteration order, padded with
     * trailing spaces so that the 8-byte size prefix plus the header is a multiple of 8.
     */
    static byte[] render(LinkedHashMap<String, Tensor> tensors, Map<String, String> metadata) {
        ObjectNode root = MAPPER.createObjectNode();
        long offset = 0;
        for (Map.Entry<String, Tensor> named : tensors.entrySet()) {
            String name = named.getKey();
            Tensor tensor = named.getValue();
            if (name == null || tensor == null) {
                throw new IllegalArgumentException("tensor names and tensors must not be null");
            }
            if (name.equals(METADATA_KEY)) {
                throw new IllegalArgumentException("'" + METADATA_KEY + "' is reserved and cannot name a tensor");
            }
            long end = offset + (long) tensor.data().length * Float.BYTES;
            ObjectNode info = root.putObject(name);
            info.put("dtype", F32);
            ArrayNode shape = info.putArray("shape");
            for (long dim : tensor.shape()) {
                shape.add(dim);
            }
            info.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject(METADATA_KEY);
            // sorted by key: the same content must give the same bytes, and so the same weights digest,
            // whatever map the caller passes (Map.of iterates in an order that changes from JVM to JVM)
            Map<String, String> sorted = new java.util.TreeMap<>();
            metadata.forEach((key, value) -> {
                if (key == null || value == null) {
                    throw new IllegalArgumentException("metadata keys and values must not be null");
                }
                sorted.put(key, value);
            });
            sorted.forEach(meta::put);
        }
        byte[] json;
        try {
            json = MAPPER.writeValueAsBytes(root);
        } catch (JacksonException e) {
            throw new IllegalStateException("could not render safetensors header", e);
        }
        int padded = (json.length + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
        byte[] header = Arrays.copyOf(json, padded);
        Arrays.fill(header, json.length, padded, PAD);
        return header;
    }

    /**
     * Parses and validates the header held in {@code bytes[offset, offset + length)}, describing a
     * byte buffer of {@code bufferLength} bytes.
     */
    static SafeTensorsHeader parse(byte[] bytes, int offset, int length, int bufferLength) {
        JsonNode root;
        try {
            root = MAPPER.readTree(bytes, offset, length);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("safetensors header is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("safetensors header could not be read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("safetensors header is not valid JSON: expected an object");
        }

        Map<String, String> metadata = Map.of();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (field.getKey().equals(METADATA_KEY)) {
                metadata = parseMetadata(field.getValue());
            } else {
                entries.add(parseEntry(field.getKey(), field.getValue(), bufferLength));
            }
        }
        entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        checkTiling(entries, bufferLength);
        return new SafeTensorsHeader(List.copyOf(entries), metadata);
    }

    private static Map<String, String> parseMetadata(JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("safetensors '" + METADATA_KEY + "' must be a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (!field.getValue().isTextual()) {
                throw new IllegalArgumentException("safetensors metadata value for '" + field.getKey()
                        + "' must be a string, found " + field.getValue());
            }
            metadata.put(field.getKey(), field.getValue().textValue());
        }
        return metadata;
    }

    /** Extra fields in an entry are ignored, as the reference reader does, so newer writers stay readable. */
    private static Entry parseEntry(String name, JsonNode info, int bufferLength) {
        if (!info.isObject()) {
            throw new IllegalArgumentException("tensor '" + name + "' header entry must be a JSON object");
        }
        JsonNode dtype = info.get("dtype");
        if (dtype == null || !dtype.isTextual()) {
            throw new IllegalArgumentException("tensor '" + name + "' has no dtype string");
        }
        StoredType type = StoredType.parse(name, dtype.textValue());
        long[] shape = integers(name, "shape", info.get("shape"), -1);
        long elements;
        try {
            elements = Tensor.elementCount(shape);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tensor '" + name + "': " + e.getMessage(), e);
        }
        long[] offsets = integers(name, "data_offsets", info.get("data_offsets"), 2);
        long begin = offsets[0];
        long end = offsets[1];
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("tensor '" + name + "' has invalid data_offsets "
                    + Arrays.toString(offsets) + ": need 0 <= begin <= end");
        }
        if (end > bufferLength) {
            throw new IllegalArgumentException("tensor '" + name + "' data_offsets " + Arrays.toString(offsets)
                    + " are out of range: the byte buffer holds " + bufferLength + " bytes");
        }
        // end - begin is bounded by the input, so comparing it first keeps the multiplication safe.
        if (elements > (end - begin) / type.bytes || elements * type.bytes != end - begin) {
            throw new IllegalArgumentException("tensor '" + name + "' data_offsets " + Arrays.toString(offsets)
                    + " span " + (end - begin) + " bytes but shape " + Arrays.toString(shape)
                    + " of " + type + " needs " + describeBytes(elements, type.bytes));
        }
        return new Entry(name, type, shape, begin, end);
    }

    private static String describeBytes(long elements, int elementBytes) {
        return elements > Long.MAX_VALUE / elementBytes ? "more bytes than fit in a long"
                : (elements * elementBytes) + " bytes";
    }

    /** Reads an array of non-negative integers; {@code expectedLength} of -1 accepts any length. */
    private static long[] integers(String tensor, String field, JsonNode node, int expectedLength) {
        if (node == null || !node.isArray()) {
            throw new IllegalArgumentException("tensor '" + tensor + "' has no " + field + " array");
        }
        if (expectedLength >= 0 && node.size() != expectedLength) {
            throw new IllegalArgumentException("tensor '" + tensor + "' " + field + " must have "
                    + expectedLength + " entries, found " + node.size());
        }
        long[] values = new long[node.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode value = node.get(i);
            if (!value.isIntegralNumber() || !value.canConvertToLong()) {
                throw new IllegalArgumentException("tensor '" + tensor + "' " + field
                        + " entries must be integers, found " + value);
            }
            values[i] = value.longValue();
            if (values[i] < 0) {
                String what = field.equals("shape") ? "negative dimension " : "negative offset ";
                throw new IllegalArgumentException("tensor '" + tensor + "' has " + what + values[i]
                        + " in " + field + " " + node);
            }
        }
        return values;
    }

    /** Tensors must cover the byte buffer exactly once: no overlap, no gap, no trailing bytes. */
    private static void checkTiling(List<Entry> sorted, int bufferLength) {
        long covered = 0;
        String previous = null;
        for (Entry entry : sorted) {
            if (entry.begin() < covered) {
                throw new IllegalArgumentException("tensor '" + entry.name() + "' data_offsets ["
                        + entry.begin() + ", " + entry.end() + "] overlap tensor '" + previous + "'");
            }
            if (entry.begin() > covered) {
                throw new IllegalArgumentException("gap of " + (entry.begin() - covered)
                        + " bytes in the byte buffer before tensor '" + entry.name() + "'");
            }
            covered = entry.end();
            previous = entry.name();
        }
        if (covered != bufferLength) {
            throw new IllegalArgumentException("the byte buffer holds " + bufferLength
                    + " bytes but the tensors cover only " + covered);
        }
    }
}
