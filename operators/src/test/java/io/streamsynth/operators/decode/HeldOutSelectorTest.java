package io.streamsynth.operators.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class HeldOutSelectorTest {

    @Test
    void selectionIsTheSameEveryTimeAndForEveryInstance() {
        HeldOutSelector first = new HeldOutSelector(0.2);
        HeldOutSelector second = new HeldOutSelector(0.2);

        for (int i = 0; i < 1000; i++) {
            String item = "item-" + i;
            assertThat(second.isHeldOut("fashion", item)).isEqualTo(first.isHeldOut("fashion", item));
            assertThat(first.isHeldOut("fashion", item)).isEqualTo(first.isHeldOut("fashion", item));
        }
    }

    @Test
    void heldOutShareRoughlyMatchesTheSettingOnTenThousandIds() {
        for (double share : new double[] {0.05, 0.1, 0.3, 0.5}) {
            HeldOutSelector selector = new HeldOutSelector(share);
            int heldOut = 0;
            for (int i = 0; i < 10_000; i++) {
                if (selector.isHeldOut("fashion", "item-" + i)) {
                    heldOut++;
                }
            }
            assertThat(heldOut / 10_000.0).as("share %s", share).isCloseTo(share, within(0.02));
        }
    }

    @Test
    void zeroShareHoldsNothingOut() {
        HeldOutSelector none = new HeldOutSelector(0);

        for (int i = 0; i < 10_000; i++) {
            assertThat(none.isHeldOut("fashion", "item-" + i)).isFalse();
        }
    }

    @Test
    void aLargerShareKeepsEveryItemASmallerOneHeldOut() {
        HeldOutSelector small = new HeldOutSelector(0.1);
        HeldOutSelector large = new HeldOutSelector(0.3);

        for (int i = 0; i < 10_000; i++) {
            if (small.isHeldOut("fashion", "item-" + i)) {
                assertThat(large.isHeldOut("fashion", "item-" + i)).isTrue();
            }
        }
    }

    @Test
    void shareOutsideZeroToHalfIsRejectedByName() {
        assertThatThrownBy(() -> new HeldOutSelector(-0.1)).hasMessageContaining("heldOutShare");
        assertThatThrownBy(() -> new HeldOutSelector(0.6)).hasMessageContaining("heldOutShare");
        assertThatThrownBy(() -> new HeldOutSelector(Double.NaN)).hasMessageContaining("heldOutShare");
    }
}
