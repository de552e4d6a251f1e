package io.streamsynth.operators.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RefreshPassesTest {
    private static List<String> keys(String catalog, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(catalog + "/" + i);
        }
        return out;
    }

    @Test
    void handsOutEveryKeyOnceInBoundedSlices() {
        RefreshPasses passes = new RefreshPasses();
        passes.start("a", keys("a", 5));
        List<String> seen = new ArrayList<>();
        RefreshPasses.Slice s;
        while ((s = passes.next(2)) != null) {
            assertThat(s.keys()).hasSizeBetween(1, 2);
            seen.addAll(s.keys());
        }
        assertThat(seen).containsExactlyElementsOf(keys("a", 5));
        assertThat(passes.isEmpty()).isTrue();
    }

    @Test
    void catalogsTakeTurnsSliceBySlice() {
        RefreshPasses passes = new RefreshPasses();
        passes.start("a", keys("a", 4));
        passes.start("b", keys("b", 4));
        List<String> order = new ArrayList<>();
        RefreshPasses.Slice s;
        while ((s = passes.next(2)) != null) {
            order.add(s.catalog());
        }
        assertThat(order).containsExactly("a", "b", "a", "b");
    }

    @Test
    void anItemThatArrivesLeavesThePassAndOnlyOnce() {
        RefreshPasses passes = new RefreshPasses();
        passes.start("a", keys("a", 3));
        assertThat(passes.arrived("a", "a/1")).isTrue();
        assertThat(passes.arrived("a", "a/1")).as("already out").isFalse();
        assertThat(passes.arrived("b", "b/1")).as("no pass for that catalog").isFalse();
        assertThat(passes.next(10).keys()).containsExactly("a/0", "a/2");
        assertThat(passes.arrived("a", "a/0")).as("already handed out").isFalse();
    }

    @Test
    void aNewerVersionRestartsThePassOverDoneAndRemainingItems() {
        RefreshPasses passes = new RefreshPasses();
        passes.start("a", keys("a", 4));
        passes.next(3);
        passes.start("a", keys("a", 4));
        assertThat(passes.size()).isEqualTo(4);
        assertThat(passes.next(10).keys()).containsExactlyInAnyOrderElementsOf(keys("a", 4));
    }

    @Test
    void aNewerVersionTakesTheItemsTheInterruptedPassHadNotReachedFirst() {
        RefreshPasses passes = new RefreshPasses();
        passes.start("a", keys("a", 6));
        passes.next(4); // a/0..a/3 done at the older version
        passes.start("a", keys("a", 6));
        assertThat(passes.next(2).keys()).containsExactly("a/4", "a/5");
        assertThat(passes.next(10).keys()).containsExactly("a/0", "a/1", "a/2", "a/3");
    }

    @Test
    void aSnapshotRebuildsTheSamePendingSet() {
        RefreshPasses passes = new RefreshPasses();
        passes.start("a", keys("a", 3));
        passes.start("b", keys("b", 2));
        passes.next(1);
        RefreshPasses restored = new RefreshPasses();
        passes.snapshot().forEach(restored::add);
        assertThat(restored.snapshot()).containsExactlyInAnyOrderElementsOf(passes.snapshot());
        assertThat(restored.size()).isEqualTo(4);
        assertThat(restored.isRunning("a")).isTrue();
    }

    @Test
    void aSliceHoldsAtLeastOneItem() {
        assertThatThrownBy(() -> new RefreshPasses().next(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
