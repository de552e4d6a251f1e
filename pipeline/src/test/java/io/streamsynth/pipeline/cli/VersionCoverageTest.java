package io.streamsynth.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class VersionCoverageTest {
    /** Items a, b, c at versions 1 and 2; only a and b at 3; a alone at 4. */
    private static VersionCoverage staggered() {
        VersionCoverage c = new VersionCoverage();
        for (String item : new String[] {"a", "b", "c"}) {
            c.add(item, 1);
            c.add(item, 2);
        }
        c.add("a", 3);
        c.add("b", 3);
        c.add("a", 4);
        // a re-published record of the same version counts once
        c.add("a", 4);
        return c;
    }

    @Test
    void theNewestCompleteVersionIsTheNewestEveryItemHas() {
        VersionCoverage c = staggered();

        assertThat(c.items()).isEqualTo(3);
        assertThat(c.itemsAt(4)).isEqualTo(1);
        assertThat(c.newest()).hasValue(4);
        assertThat(c.newestComplete(3)).hasValue(2);
        // the quickstart knows how many query items it sent, also those not read at all yet
        assertThat(c.newestComplete(5)).isEqualTo(OptionalLong.empty());
    }

    @Test
    void byDefaultTheNewestCompleteVersionIsChosenAndTheReasonNamesTheNewerPartialOne() {
        VersionCoverage.Choice choice = staggered().choose(null, false, "items");

        assertThat(choice.version()).isEqualTo(2);
        assertThat(choice.complete()).isTrue();
        assertThat(choice.reason()).isEqualTo("version 2, the newest that all 3 items have; the newest, 4, has only 1 "
                + "of them so far (--version 4 --allow-partial scores it anyway)");
    }

    @Test
    void anIncompleteRequestedVersionIsRefusedUnlessPartialIsAllowed() {
        assertThatThrownBy(() -> staggered().choose(3L, false, "items"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("version 3 is incomplete: 2 of 3 items have it")
                .hasMessageContaining("the newest complete version is 2; pass --allow-partial to score 2 items anyway");

        VersionCoverage.Choice partial = staggered().choose(3L, true, "items");
        assertThat(partial.version()).isEqualTo(3);
        assertThat(partial.covered()).isEqualTo(2);
        assertThat(partial.complete()).isFalse();
    }

    @Test
    void aVersionNoItemHasIsRefusedEvenWithPartialAllowed() {
        assertThatThrownBy(() -> staggered().choose(9L, true, "items"))
                .hasMessage("no items at version 9 (versions read: 1 to 4)");
    }

    @Test
    void aDeletedItemNoLongerHoldsBackAVersion() {
        VersionCoverage c = staggered();
        c.remove("c");

        assertThat(c.items()).isEqualTo(2);
        assertThat(c.newestComplete(2)).hasValue(3);
        assertThat(c.itemsAt(1)).isEqualTo(2);
        // a later record of the same id starts a new life
        c.add("c", 4);
        assertThat(c.newestComplete(3)).isEqualTo(OptionalLong.empty());
        assertThat(c.newestComplete(1)).hasValue(4);
    }
}
