package io.streamsynth.model.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class NormalizedMutualInformationTest {

    private static final double LN2 = Math.log(2);
    private static final double LN3 = Math.log(3);

    @Test
    void identicalPartitionsUnderDifferentLabelValuesScoreOne() {
        int[] a = {0, 0, 1, 1, 2};
        int[] b = {5, 5, 9, 9, -1};

        assertThat(NormalizedMutualInformation.compute(a, b)).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void independentLabelingsScoreZero() {
        // Every cell of the 2x2 contingency table holds 1 of 4: p(a,b) = p(a) p(b) everywhere.
        int[] a = {0, 0, 1, 1};
        int[] b = {0, 1, 0, 1};

        assertThat(NormalizedMutualInformation.compute(a, b)).isCloseTo(0.0, within(1e-12));
    }

    @Test
    void partialAgreementMatchesTheHandComputedValue() {
        // Table rows a, columns b: [[2, 0], [1, 1]] over N = 4.
        // H(a) = ln 2, H(b) = 2 ln 2 - 3/4 ln 3,
        // I = 1/2 ln(4/3) + 1/4 ln(2/3) + 1/4 ln 2 = 3/2 ln 2 - 3/4 ln 3,
        // NMI = I / ((H(a) + H(b)) / 2) = (3/2 ln 2 - 3/4 ln 3) / (3/2 ln 2 - 3/8 ln 3) ~ 0.3437.
        int[] a = {0, 0, 1, 1};
        int[] b = {0, 0, 0, 1};
        double expected = (1.5 * LN2 - 0.75 * LN3) / (1.5 * LN2 - 0.375 * LN3);

        assertThat(NormalizedMutualInformation.compute(a, b)).isCloseTo(expected, within(1e-9));
        assertThat(NormalizedMutualInformation.compute(b, a)).isCloseTo(expected, within(1e-9));
        assertThat(expected).isCloseTo(0.3437, within(1e-4));
    }

    @Test
    void twoSingleClusterLabelingsScoreOne() {
        assertThat(NormalizedMutualInformation.compute(new int[] {4, 4, 4}, new int[] {0, 0, 0})).isEqualTo(1.0);
    }

    @Test
    void singleClusterAgainstASplitScoresZero() {
        assertThat(NormalizedMutualInformation.compute(new int[] {4, 4, 4}, new int[] {0, 1, 1})).isEqualTo(0.0);
        assertThat(NormalizedMutualInformation.compute(new int[] {0, 1, 1}, new int[] {4, 4, 4})).isEqualTo(0.0);
    }

    @Test
    void labelingsOfDifferentLengthAreRejected() {
        assertThatThrownBy(() -> NormalizedMutualInformation.compute(new int[] {0, 1}, new int[] {0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 vs 1");
    }
}
