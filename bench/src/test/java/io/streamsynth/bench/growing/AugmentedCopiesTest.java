package io.streamsynth.bench.growing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AugmentedCopiesTest {
    private static byte[] onePixel(int y, int x) {
        byte[] image = new byte[28 * 28];
        image[y * 28 + x] = (byte) 200;
        return image;
    }

    @Test
    void theFirstCopyIsTheImageItself() {
        byte[] image = onePixel(10, 3);
        assertThat(AugmentedCopies.copy(image, 1, 28, 28, 0, 7)).isEqualTo(image).isNotSameAs(image);
    }

    @Test
    void anOddCopyIsMirroredThenShifted() {
        int[] d = AugmentedCopies.shift(1, 7);
        byte[] copy = AugmentedCopies.copy(onePixel(10, 3), 1, 28, 28, 1, 7);
        int y = 10 + d[1];
        int x = 27 - 3 + d[0];
        assertThat(copy[y * 28 + x]).isEqualTo((byte) 200);
        int lit = 0;
        for (byte b : copy) {
            lit += b != 0 ? 1 : 0;
        }
        assertThat(lit).isEqualTo(1);
    }

    @Test
    void anEvenCopyIsShiftedOnlyAndEveryShiftStaysWithinTwoPixels() {
        for (int c = 1; c < 50; c++) {
            int[] d = AugmentedCopies.shift(c, 3);
            assertThat(d[0]).isBetween(-2, 2);
            assertThat(d[1]).isBetween(-2, 2);
        }
        int[] d = AugmentedCopies.shift(2, 7);
        byte[] copy = AugmentedCopies.copy(onePixel(10, 3), 1, 28, 28, 2, 7);
        assertThat(copy[(10 + d[1]) * 28 + 3 + d[0]]).isEqualTo((byte) 200);
    }

    @Test
    void theSameArgumentsGiveTheSameCopy() {
        byte[] image = onePixel(5, 20);
        assertThat(AugmentedCopies.copy(image, 1, 28, 28, 3, 11)).isEqualTo(AugmentedCopies.copy(image, 1, 28, 28, 3, 11));
    }

    @Test
    void refusesAnArrayOfTheWrongShape() {
        assertThatThrownBy(() -> AugmentedCopies.copy(new byte[10], 1, 28, 28, 1, 7))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1x28x28");
    }
}
