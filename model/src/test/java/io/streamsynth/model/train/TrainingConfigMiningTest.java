package io.streamsynth.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsynth.model.mining.MiningRule;
import org.junit.jupiter.api.Test;

class TrainingConfigMiningTest {

    @Test
    void theMiningRuleDefaultsToThePapersAndIsRecordedWithTheHyperParameters() {
        TrainingConfig plain = new TrainingConfig("npair", Float.NaN, "symm", 2, "adam", 1e-3f, 0.9f, 0f);
        assertThat(plain.miningRule()).isEqualTo(MiningRule.PAPER);
        assertThat(plain.toMap()).containsEntry("mining", "paper");

        TrainingConfig official = new TrainingConfig("npair", Float.NaN, "symm", 2, " OFFICIAL ", "adam", 1e-3f, 0.9f,
                0f);
        assertThat(official.mining()).isEqualTo("official");
        assertThat(official.toMap()).containsEntry("mining", "official");
    }

    @Test
    void anUnknownRuleIsRejectedAtConstruction() {
        assertThatThrownBy(() -> new TrainingConfig("triplet", Float.NaN, "ee", 2, "mixed", "adam", 1e-3f, 0.9f, 0f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("paper or official");
    }
}
