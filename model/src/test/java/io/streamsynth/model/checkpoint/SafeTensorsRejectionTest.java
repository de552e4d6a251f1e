package io.streamsynth.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SafeTensorsRejectionTest {

    private static void assertRejected(byte[] bytes, String expectedMessagePart) {
        assertThatThrownBy(() -> SafeTensors.read(bytes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(expectedMessagePart);
    }

    private static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape
                + ",\"data_offsets\":[" + begin + "," + end + "]}";
    }

    @Test
    void rejectsInputTooShortForTheHeaderSize() {
        assertRejected(new byte[5], "too short for the 8-byte header size");
    }

    @Test
    void rejectsAHeaderSizeLargerThanTheInput() {
        byte[] header = "{}".getBytes(StandardCharsets.UTF_8);

        assertRejected(RawSafeTensors.withDeclaredHeaderSize(1000, header, new byte[0]),
                "header size 1000 is larger than the 2 bytes");
    }

    @Test
    void readsTheHeaderSizeAsUnsigned() {
        byte[] header = "{}".getBytes(StandardCharsets.UTF_8);

        assertRejected(RawSafeTensors.withDeclaredHeaderSize(-1, header, new byte[0]),
                "header size 18446744073709551615 is larger");
    }

    @Test
    void rejectsAHeaderThatIsNotJson() {
        assertRejected(RawSafeTensors.of("{not json", 0), "header is not valid JSON");
    }

    @Test
    void rejectsAHeaderThatIsJsonButNotAnObject() {
        assertRejected(RawSafeTensors.of("[1, 2]", 0), "expected an object");
    }

    @Test
    void rejectsTrailingGarbageAfterTheHeaderObject() {
        assertRejected(RawSafeTensors.of("{} {}", 0), "header is not valid JSON");
    }

    @Test
    void rejectsATensorNamedTwice() {
        String header = "{" + entry("w", "F32", "[1]", 0, 4) + "," + entry("w", "F32", "[1]", 4, 8) + "}";

        assertRejected(RawSafeTensors.of(header, 8), "header is not valid JSON");
    }

    @Test
    void rejectsDtypesOtherThanFloatingPoint() {
        assertRejected(RawSafeTensors.of("{" + entry("count", "I64", "[1]", 0, 8) + "}", 8),
                "tensor 'count' has unsupported dtype 'I64': only F32, F16 and BF16 are supported");
    }

    @Test
    void rejectsAHalfTensorWhoseBytesDoNotMatchItsShape() {
        assertRejected(RawSafeTensors.of("{" + entry("half", "F16", "[3]", 0, 4) + "}", 4),
                "span 4 bytes but shape [3] of F16 needs 6 bytes");
    }

    @Test
    void rejectsNegativeDimensions() {
        assertRejected(RawSafeTensors.of("{" + entry("w", "F32", "[2,-1]", 0, 0) + "}", 0),
                "tensor 'w' has negative dimension -1");
    }

    @Test
    void rejectsNonIntegerDimensions() {
        assertRejected(RawSafeTensors.of("{" + entry("w", "F32", "[1.5]", 0, 4) + "}", 4),
                "shape entries must be integers");
    }

    @Test
    void rejectsOffsetsPastTheEndOfTheBuffer() {
        assertRejected(RawSafeTensors.of("{" + entry("w", "F32", "[4]", 0, 16) + "}", 8),
                "tensor 'w' data_offsets [0, 16] are out of range: the byte buffer holds 8 bytes");
    }

    @Test
    void rejectsOffsetsThatRunBackwards() {
        assertRejected(RawSafeTensors.of("{" + entry("w", "F32", "[1]", 8, 4) + "}", 8),
                "invalid data_offsets [8, 4]");
    }

    @Test
    void rejectsOffsetsThatDoNotMatchTheShape() {
        assertRejected(RawSafeTensors.of("{" + entry("w", "F32", "[3]", 0, 8) + "}", 8),
                "span 8 bytes but shape [3] of F32 needs 12 bytes");
    }

    @Test
    void rejectsAShapeTooLargeForTheInputWithoutAllocatingIt() {
        // 2^40 elements would need 4 TiB; the check must come from the offsets, not an allocation.
        assertRejected(RawSafeTensors.of("{" + entry("w", "F32", "[1048576,1048576]", 0, 8) + "}", 8),
                "span 8 bytes but shape [1048576, 1048576] of F32 needs 4398046511104 bytes");
    }

    @Test
    void rejectsAShapeWhoseElementCountOverflows() {
        assertRejected(RawSafeTensors.of("{" + entry("w", "F32", "[4294967296,4294967296]", 0, 8) + "}", 8),
                "too many elements");
    }

    @Test
    void rejectsOverlappingTensors() {
        String header = "{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 4, 12) + "}";

        assertRejected(RawSafeTensors.of(header, 12), "tensor 'b' data_offsets [4, 12] overlap tensor 'a'");
    }

    @Test
    void rejectsGapsBetweenTensors() {
        String header = "{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 8, 12) + "}";

        assertRejected(RawSafeTensors.of(header, 12), "gap of 4 bytes in the byte buffer before tensor 'b'");
    }

    @Test
    void rejectsBytesThatNoTensorCovers() {
        assertRejected(RawSafeTensors.of("{" + entry("a", "F32", "[1]", 0, 4) + "}", 12),
                "the byte buffer holds 12 bytes but the tensors cover only 4");
    }

    @Test
    void rejectsAnEntryWithoutOffsets() {
        assertRejected(RawSafeTensors.of("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4),
                "tensor 'w' has no data_offsets array");
    }

    @Test
    void rejectsMetadataValuesThatAreNotStrings() {
        assertRejected(RawSafeTensors.of("{\"__metadata__\":{\"step\":3}}", 0),
                "metadata value for 'step' must be a string");
    }

    @Test
    void writerRefusesTheReservedMetadataName() {
        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("__metadata__", Tensor.scalar(1f));

        assertThatThrownBy(() -> SafeTensors.write(tensors, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reserved");
    }

    @Test
    void askingForAMissingTensorNamesTheOnesPresent() {
        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("w", Tensor.scalar(1f));
        SafeTensors.Contents contents = SafeTensors.read(SafeTensors.write(tensors, Map.of()));

        assertThatThrownBy(() -> contents.tensor("v"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no tensor named 'v'; the file holds [w]");
    }
}
