package io.streamsynth.operators.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RecentEventIdsTest {
    private static final DuplicateSettings TEN_SECONDS = new DuplicateSettings(Duration.ofSeconds(10), 3);

    @Test
    void anIdSeenWithinTheRetentionIsADuplicate() {
        RecentEventIds ids = new RecentEventIds();

        assertThat(ids.remember("e-1", 1_000, TEN_SECONDS)).isTrue();
        assertThat(ids.remember("e-2", 2_000, TEN_SECONDS)).isTrue();
        assertThat(ids.remember("e-1", 10_999, TEN_SECONDS)).isFalse();
        assertThat(ids.remember("e-2", 11_000, TEN_SECONDS)).isFalse();
    }

    @Test
    void anIdIsForgottenOnceTheRetentionHasPassedSinceItWasFirstSeen() {
        RecentEventIds ids = new RecentEventIds();
        ids.remember("e-1", 1_000, TEN_SECONDS);
        ids.remember("e-1", 5_000, TEN_SECONDS);

        assertThat(ids.remember("e-1", 11_000, TEN_SECONDS)).as("a repeat does not extend the retention").isTrue();
        assertThat(ids.size()).isEqualTo(1);
    }

    @Test
    void keepsOnlyTheNewestIdsPerItemSoStateStaysBounded() {
        RecentEventIds ids = new RecentEventIds();
        for (int i = 0; i < 10; i++) {
            assertThat(ids.remember("e-" + i, 1_000 + i, TEN_SECONDS)).isTrue();
        }

        assertThat(ids.size()).isEqualTo(3);
        assertThat(ids.ids).containsExactly("e-7", "e-8", "e-9");
        assertThat(ids.remember("e-9", 2_000, TEN_SECONDS)).isFalse();
        assertThat(ids.remember("e-0", 2_000, TEN_SECONDS)).as("pushed out by newer ids").isTrue();
    }

    @Test
    void expiredIdsAreDroppedWhenTheItemIsTouchedAgain() {
        RecentEventIds ids = new RecentEventIds();
        ids.remember("e-1", 1_000, TEN_SECONDS);
        ids.remember("e-2", 2_000, TEN_SECONDS);

        ids.remember("e-3", 30_000, TEN_SECONDS);

        assertThat(ids.ids).containsExactly("e-3");
        assertThat(ids.seenAt).containsExactly(30_000L);
    }

    @Test
    void settingsRejectRetentionsAndCapacitiesOutOfRange() {
        assertThatThrownBy(() -> new DuplicateSettings(Duration.ofMillis(10), 16)).hasMessageContaining("retention");
        assertThatThrownBy(() -> new DuplicateSettings(Duration.ofDays(31), 16)).hasMessageContaining("retention");
        assertThatThrownBy(() -> new DuplicateSettings(null, 16)).hasMessageContaining("retention");
        assertThatThrownBy(() -> new DuplicateSettings(Duration.ofHours(1), 0)).hasMessageContaining("per item");
        assertThat(DuplicateSettings.defaults().retention()).isEqualTo(Duration.ofHours(1));
    }
}
