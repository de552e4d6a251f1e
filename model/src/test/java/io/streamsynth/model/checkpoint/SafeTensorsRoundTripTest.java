package io.streamsynth.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SafeTensorsRoundTripTest {

    @Test
    void tensorsOfVariousShapesSurviveARoundTrip() {
        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("scalar", Tensor.scalar(-1.5f));
        tensors.put("empty", new Tensor(new long[] {0}, new float[0]));
        tensors.put("vector", Tensor.vector(1f, 2f, 3f));
        tensors.put("matrix", new Tensor(new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}));
        tensors.put("cube", new Tensor(new long[] {2, 1, 2}, new float[] {0.25f, -0f, 1e-30f, 3.4e38f}));
        tensors.put("hollow", new Tensor(new long[] {3, 0, 2}, new float[0]));

        SafeTensors.Contents contents = SafeTensors.read(SafeTensors.write(tensors, Map.of()));

        assertThat(contents.tensors()).containsExactlyEntriesOf(tensors);
        assertThat(contents.metadata()).isEmpty();
    }

    @Test
    void specialFloatValuesKeepTheirBits() {
        float[] values = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, Float.MIN_VALUE};
        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("special", Tensor.vector(values));

        float[] read = SafeTensors.read(SafeTensors.write(tensors, Map.of())).tensor("special").data();

        for (int i = 0; i < values.length; i++) {
            assertThat(Float.floatToRawIntBits(read[i])).isEqualTo(Float.floatToRawIntBits(values[i]));
        }
    }

    @Test
    void insertionOrderIsKeptAsParameterOrder() {
        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
        for (String name : new String[] {"z.weight", "a.bias", "m.weight", "b.bias"}) {
            tensors.put(name, Tensor.scalar(name.length()));
        }

        SafeTensors.Contents contents = SafeTensors.read(SafeTensors.write(tensors, Map.of()));

        assertThat(contents.tensors().keySet()).containsExactly("z.weight", "a.bias", "m.weight", "b.bias");
    }

    @Test
    void metadataSurvivesARoundTrip() {
        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("w", Tensor.vector(1f));
        Map<String, String> metadata = Map.of("format", "pt", "step", "42", "note", "ünïcödé");

        SafeTensors.Contents contents = SafeTensors.read(SafeTensors.write(tensors, metadata));

        assertThat(contents.metadata()).isEqualTo(metadata);
    }

    @Test
    void noTensorsAtAllIsAValidFile() {
        SafeTensors.Contents contents = SafeTensors.read(SafeTensors.write(new LinkedHashMap<>(), Map.of("k", "v")));

        assertThat(contents.tensors()).isEmpty();
        assertThat(contents.metadata()).containsEntry("k", "v");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "ab", "abc", "abcd", "abcde", "abcdef", "abcdefg", "abcdefgh", "tensor.name.long"})
    void byteBufferStartsAtAMultipleOfEightPaddedWithSpaces(String name) {
        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put(name, Tensor.vector(1f, 2f));

        byte[] bytes = SafeTensors.write(tensors, Map.of());

        long headerSize = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        int dataStart = 8 + (int) headerSize;
        assertThat(dataStart % 8).isZero();
        assertThat(bytes.length - dataStart).isEqualTo(8);
        String header = new String(bytes, 8, (int) headerSize, StandardCharsets.UTF_8);
        assertThat(header.stripTrailing()).endsWith("}");
        assertThat(header.substring(header.stripTrailing().length())).matches(" *");
    }

    @Test
    void writesTheDocumentedHeaderAndLittleEndianData() {
        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("a", Tensor.vector(1f));
        tensors.put("b", new Tensor(new long[] {1, 1}, new float[] {-2f}));

        byte[] bytes = SafeTensors.write(tensors, Map.of("format", "pt"));

        long headerSize = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(bytes, 8, (int) headerSize, StandardCharsets.UTF_8).stripTrailing();
        assertThat(header).isEqualTo("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1,1],\"data_offsets\":[4,8]},"
                + "\"__metadata__\":{\"format\":\"pt\"}}");
        int dataStart = 8 + (int) headerSize;
        assertThat(java.util.Arrays.copyOfRange(bytes, dataStart, bytes.length))
                .containsExactly(0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0);
    }

    @Test
    void readsAFileBuiltByHandFromTheSpecification() {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        // Header size 144 (0x90) as an unsigned little-endian 64-bit integer.
        file.writeBytes(new byte[] {(byte) 0x90, 0, 0, 0, 0, 0, 0, 0});
        String header = "{\"b\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[8,12]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[0,8]},"
                + "\"__metadata__\":{\"format\":\"pt\"}}";
        assertThat(header).hasSize(140);
        file.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
        file.writeBytes("    ".getBytes(StandardCharsets.US_ASCII));
        // a = [1.0, -2.0] then b = 0.5, each float32 little-endian.
        file.writeBytes(new byte[] {0x00, 0x00, (byte) 0x80, 0x3F, 0x00, 0x00, 0x00, (byte) 0xC0});
        file.writeBytes(new byte[] {0x00, 0x00, 0x00, 0x3F});

        SafeTensors.Contents contents = SafeTensors.read(file.toByteArray());

        assertThat(contents.tensors().keySet()).as("byte-buffer order, not header order").containsExactly("a", "b");
        assertThat(contents.tensor("a")).isEqualTo(new Tensor(new long[] {1, 2}, new float[] {1f, -2f}));
        assertThat(contents.tensor("b")).isEqualTo(Tensor.scalar(0.5f));
        assertThat(contents.metadata()).containsExactly(Map.entry("format", "pt"));
    }

    @Test
    void toleratesExtraFieldsInATensorEntryAsTheReferenceReaderDoes() {
        byte[] bytes = RawSafeTensors.of(
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"future\":true}}", 4);

        assertThat(SafeTensors.read(bytes).tensor("w").data()).containsExactly(0f);
    }
}
