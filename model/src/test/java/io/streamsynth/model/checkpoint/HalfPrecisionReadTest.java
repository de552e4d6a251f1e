package io.streamsynth.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Pretrained weights often ship in half precision; reading widens them to float32 without rounding. */
class HalfPrecisionReadTest {

    private static byte[] file(String dtype, short... values) {
        String header = "{\"t\":{\"dtype\":\"" + dtype + "\",\"shape\":[" + values.length + "],\"data_offsets\":[0,"
                + 2 * values.length + "]}}";
        ByteBuffer buffer = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (short v : values) {
            buffer.putShort(v);
        }
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        return RawSafeTensors.withDeclaredHeaderSize(json.length, json, buffer.array());
    }

    @Test
    void widensFloat16ValuesExactly() {
        // 1, -2, largest finite 65504, smallest subnormal 2^-24, smallest normal 2^-14, -0, +inf, 0.333 in binary16
        float[] read = SafeTensors.read(file("F16", (short) 0x3c00, (short) 0xc000, (short) 0x7bff, (short) 0x0001,
                (short) 0x0400, (short) 0x8000, (short) 0x7c00, (short) 0x3555)).tensor("t").data();

        assertThat(read).containsExactly(1f, -2f, 65504f, 0x1p-24f, 0x1p-14f, -0f, Float.POSITIVE_INFINITY,
                0.333251953125f);
        assertThat(Float.floatToRawIntBits(read[5])).isEqualTo(0x80000000);
    }

    @Test
    void halfNaNStaysNaN() {
        assertThat(SafeTensors.read(file("F16", (short) 0x7e00)).tensor("t").data()[0]).isNaN();
    }

    @Test
    void widensBfloat16ByItsUpperHalf() {
        float[] read = SafeTensors.read(file("BF16", (short) 0x3f80, (short) 0xc0a0, (short) 0x3eab)).tensor("t").data();

        assertThat(read).containsExactly(1f, -5f, Float.intBitsToFloat(0x3eab0000));
    }
}
