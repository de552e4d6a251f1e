package io.streamsynth.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PixelValuesTest {

    @Test
    void bytesAreUnsignedAndScaledBy255() {
        assertThat(PixelValues.unit((byte) 0)).isZero();
        assertThat(PixelValues.unit((byte) 255)).isEqualTo(1f);
        assertThat(PixelValues.unit((byte) 128)).isEqualTo(128 / 255f);
        assertThat(PixelValues.unit(51)).isEqualTo(51 / 255f);
        assertThatThrownBy(() -> PixelValues.unit(256)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0..255");
    }

    @Test
    void everyByteSurvivesTheRoundTripAndFloatsOutsideTheUnitRangeClamp() {
        for (int v = 0; v < 256; v++) {
            assertThat(Byte.toUnsignedInt(PixelValues.toByte(PixelValues.unit((byte) v)))).isEqualTo(v);
        }
        assertThat(PixelValues.toByte(0.5f)).isEqualTo((byte) 128); // 127.5 rounds up
        assertThat(PixelValues.toByte(1.2f)).isEqualTo((byte) 255);
        assertThat(PixelValues.toByte(-0.1f)).isEqualTo((byte) 0);
        assertThat(PixelValues.toBytes(new float[] {9f, 0f, 1f, 9f}, 1, 2)).containsExactly((byte) 0, (byte) 255);
    }
}
