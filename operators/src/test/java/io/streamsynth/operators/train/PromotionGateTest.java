package io.streamsynth.operators.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The gate's decisions on hand-made held-out figures: tolerance, interval, first version, state. */
class PromotionGateTest {
    private static final long SECOND = 1000;

    private static Map<String, Double> recall(double r1, int items) {
        return Map.of("r_at_1", r1, "held_out_items", (double) items);
    }

    private static PromotionGate gate(double tolerance, long intervalSeconds) {
        return new PromotionGate(new PromotionPolicy(tolerance, Duration.ofSeconds(intervalSeconds)));
    }

    @Test
    void versionZeroIsPromotedByDefinition() {
        PromotionGate g = gate(0, 15);

        PromotionGate.Decision d = g.coldStart(0, 1_000);

        assertThat(d.promoted()).isTrue();
        assertThat(d.toMap()).containsExactly(Map.entry("promoted", true), Map.entry("reason", "cold_start"),
                Map.entry("serving_version", 0L));
        assertThat(g.promotedVersion()).isZero();
    }

    @Test
    void aCandidateAtLeastAsGoodAfterTheIntervalIsPromotedWithTheNumbersCompared() {
        PromotionGate g = gate(0, 15);
        g.coldStart(0, 0);

        PromotionGate.Decision d = g.judge(1, recall(0.75, 40), recall(0.75, 40), 15 * SECOND);

        assertThat(d.promoted()).isTrue();
        assertThat(d.reason()).isEqualTo("recall_within_tolerance");
        assertThat(d.servingVersion()).isEqualTo(1);
        assertThat(d.toMap()).containsEntry("promoted_version", 0L).containsEntry("candidate_recall_at_1", 0.75)
                .containsEntry("promoted_recall_at_1", 0.75).containsEntry("held_out_items", 40L)
                .containsEntry("tolerance", 0.0).containsEntry("millis_since_promotion", 15_000L)
                .containsEntry("min_refresh_interval_millis", 15_000L);
        assertThat(g.promotedVersion()).isEqualTo(1);
    }

    @Test
    void aDropBeyondTheToleranceIsNotPromotedAndTheServedVersionStays() {
        PromotionGate g = gate(0.05, 0);
        g.coldStart(0, 0);

        PromotionGate.Decision within = g.judge(1, recall(0.70, 40), recall(0.75, 40), 10);
        PromotionGate.Decision beyond = g.judge(2, recall(0.675, 40), recall(0.75, 40), 20);

        // 0.70 is exactly the tolerance below 0.75: float noise must not turn it into a drop
        assertThat(within.promoted()).isTrue();
        assertThat(beyond.promoted()).isFalse();
        assertThat(beyond.reason()).isEqualTo("recall_dropped");
        assertThat(beyond.servingVersion()).isEqualTo(1);
        assertThat(beyond.toMap()).containsEntry("promoted", false).containsEntry("candidate_recall_at_1", 0.675)
                .containsEntry("promoted_recall_at_1", 0.75).containsEntry("promoted_version", 1L)
                .doesNotContainKey("millis_since_promotion");
        assertThat(g.promotedVersion()).isEqualTo(1);
        assertThat(g.heldBack()).as("a worse candidate is not waited for").isEqualTo(-1);
    }

    @Test
    void zeroToleranceRefusesAnyDrop() {
        PromotionGate g = gate(0, 0);
        g.coldStart(0, 0);

        assertThat(g.judge(1, recall(0.725, 40), recall(0.75, 40), 1).reason()).isEqualTo("recall_dropped");
        assertThat(g.judge(2, recall(0.775, 40), recall(0.75, 40), 2).reason()).isEqualTo("recall_within_tolerance");
    }

    @Test
    void aGoodCandidateBeforeTheIntervalIsHeldBackUntilItHasPassed() {
        PromotionGate g = gate(0, 15);
        g.coldStart(0, 1_000);

        PromotionGate.Decision early = g.judge(1, recall(0.8, 40), recall(0.75, 40), 6_000);

        assertThat(early.promoted()).isFalse();
        assertThat(early.reason()).isEqualTo("too_soon");
        assertThat(early.servingVersion()).isZero();
        assertThat(early.toMap()).containsEntry("millis_since_promotion", 5_000L);
        assertThat(g.heldBack()).isEqualTo(1);
        assertThat(g.retryAt()).isEqualTo(16_000);
        assertThat(g.retryDue(15_999)).isFalse();
        assertThat(g.retryDue(16_000)).isTrue();

        // the retry: the same weights published again as version 2 once the interval has passed
        PromotionGate.Decision retry = g.judge(2, recall(0.8, 40), recall(0.75, 40), 16_000);
        assertThat(retry.promoted()).isTrue();
        assertThat(retry.toMap()).containsEntry("deferred_from", 1L);
        assertThat(g.heldBack()).isEqualTo(-1);
        assertThat(g.retryDue(100_000)).isFalse();
    }

    @Test
    void anIdleStreamsCandidateIsPromotedBeforeTheIntervalAtMostOncePerInterval() {
        PromotionGate g = gate(0, 15);
        g.coldStart(0, 1_000);

        PromotionGate.Decision idle = g.judge(1, recall(0.8, 40), recall(0.75, 40), 6_000, true);
        assertThat(idle.promoted()).isTrue();
        assertThat(idle.reason()).isEqualTo("stream_idle");
        assertThat(idle.toMap()).containsEntry("stream_idle", true).containsEntry("millis_since_promotion", 5_000L);
        assertThat(g.heldBack()).isEqualTo(-1);

        // the next burst's idle candidate, 8 s later: one early promotion in 15 s is the most
        PromotionGate.Decision again = g.judge(2, recall(0.85, 40), recall(0.8, 40), 14_000, true);
        assertThat(again.reason()).isEqualTo("too_soon");
        assertThat(g.heldBack()).isEqualTo(2);
        assertThat(g.retryAt()).isEqualTo(21_000);
        // served by the interval's retry as any held-back candidate
        assertThat(g.judge(3, recall(0.85, 40), recall(0.8, 40), 21_000).reason()).isEqualTo("recall_within_tolerance");

        // 15 s after the early one, an idle candidate may be early again
        assertThat(g.judge(4, recall(0.85, 40), recall(0.85, 40), 22_000, true).reason()).isEqualTo("stream_idle");
    }

    @Test
    void anIdleStreamsCandidateStillNeedsItsRecall() {
        PromotionGate g = gate(0, 15);
        g.coldStart(0, 1_000);

        PromotionGate.Decision d = g.judge(1, recall(0.7, 40), recall(0.75, 40), 6_000, true);

        assertThat(d.promoted()).isFalse();
        assertThat(d.reason()).isEqualTo("recall_dropped");
        assertThat(g.promotedVersion()).isZero();
    }

    @Test
    void aNewerCandidateThatIsWorseReplacesTheHeldBackOne() {
        PromotionGate g = gate(0, 15);
        g.coldStart(0, 0);
        g.judge(1, recall(0.8, 40), recall(0.75, 40), 1_000);

        g.judge(2, recall(0.7, 40), recall(0.75, 40), 2_000);

        assertThat(g.heldBack()).isEqualTo(-1);
        assertThat(g.retryDue(60_000)).isFalse();
    }

    @Test
    void withoutHeldOutFiguresTheIntervalAloneDecides() {
        PromotionGate g = gate(0, 15);
        g.coldStart(0, 0);

        assertThat(g.judge(1, Map.of(), Map.of(), 1_000).reason()).isEqualTo("too_soon");
        PromotionGate.Decision d = g.judge(2, Map.of(), Map.of(), 15_000);
        assertThat(d.promoted()).isTrue();
        assertThat(d.reason()).isEqualTo("no_held_out_figures");
    }

    @Test
    void aCandidateThatEmbedsToNaNIsNeverPromoted() {
        PromotionGate g = gate(1, 0);
        g.coldStart(0, 0);

        PromotionGate.Decision d = g.judge(1, Map.of("non_finite_embeddings", 12.0, "held_out_items", 40.0),
                recall(0.75, 40), 60_000);

        assertThat(d.promoted()).isFalse();
        assertThat(d.reason()).isEqualTo("non_finite_embeddings");
        assertThat(d.toMap()).containsEntry("non_finite_embeddings", 12L);
    }

    @Test
    void withoutAPromotedModelToCompareACandidateThatEmbedsToNaNIsRefusedAllTheSame() {
        PromotionGate g = gate(0, 0);
        g.coldStart(0, 0);
        g.forgetBaseline(PromotionGate.NEW_LINEAGE);

        PromotionGate.Decision d = g.judge(1, Map.of("non_finite_embeddings", 2.0, "held_out_items", 40.0), null, 1);

        assertThat(d.promoted()).isFalse();
        assertThat(d.toMap()).containsExactly(Map.entry("promoted", false), Map.entry("reason", "non_finite_embeddings"),
                Map.entry("serving_version", 0L), Map.entry("non_finite_embeddings", 2L));
        assertThat(g.judge(2, recall(0.1, 40), null, 2).reason()).as("the next finite candidate starts the lineage")
                .isEqualTo("new_lineage");
    }

    @Test
    void aPromotedModelWithoutFiguresOnTheItemsIsNoBar() {
        PromotionGate g = gate(0, 0);
        g.coldStart(0, 0);

        PromotionGate.Decision d = g.judge(1, recall(0.1, 40), Map.of("non_finite_embeddings", 3.0), 1);

        assertThat(d.promoted()).isTrue();
        assertThat(d.toMap()).containsEntry("promoted_non_finite_embeddings", 3L).doesNotContainKey("promoted_recall_at_1");
    }

    @Test
    void withoutAPromotedModelTheCandidateIsTheFirstVersionOrANewLineage() {
        PromotionGate g = gate(0, 3600);
        assertThat(g.judge(3, recall(0.1, 40), null, 0).reason()).isEqualTo("first_version");

        g.forgetBaseline(PromotionGate.NEW_LINEAGE);
        PromotionGate.Decision d = g.judge(4, recall(0.1, 40), null, 1);
        assertThat(d.promoted()).isTrue();
        assertThat(d.reason()).isEqualTo("new_lineage");
    }

    @Test
    void itsStateSurvivesASnapshot() throws Exception {
        PromotionGate g = gate(0, 15);
        g.coldStart(0, 1_000);
        g.judge(1, recall(0.8, 40), recall(0.8, 40), 20_000);
        g.judge(2, recall(0.9, 40), recall(0.8, 40), 21_000);
        g.forgetBaseline(PromotionGate.NEW_LINEAGE);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        g.write(new DataOutputStream(bytes));

        PromotionGate restored = gate(0, 15);
        restored.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));

        assertThat(restored.promotedVersion()).isEqualTo(1);
        assertThat(restored.promotedAtMillis()).isEqualTo(20_000);
        assertThat(restored.heldBack()).isEqualTo(2);
        assertThat(restored.retryAt()).isEqualTo(35_000);
        assertThat(restored.judge(3, recall(0.9, 40), null, 40_000).reason()).isEqualTo("new_lineage");
    }
    @Test
    void withinTheIntervalACandidateIsHeldBackWhateverItsFiguresSoItNeedsNone() {
        PromotionGate g = gate(0, 30);
        assertThat(g.holdsBackRegardless(0, false)).as("nothing promoted yet: the first version needs no baseline")
                .isFalse();
        g.coldStart(0, 0);

        assertThat(g.holdsBackRegardless(29 * SECOND, false)).isTrue();
        assertThat(g.holdsBackRegardless(30 * SECOND, false)).as("the interval has passed").isFalse();
        assertThat(g.holdsBackRegardless(29 * SECOND, true)).as("an idle stream may be promoted early").isFalse();

        PromotionGate.Decision d = g.holdBackUnevaluated(1, 10 * SECOND, false);

        assertThat(d.promoted()).isFalse();
        assertThat(d.toMap()).containsExactly(Map.entry("promoted", false), Map.entry("reason", "too_soon"),
                Map.entry("serving_version", 0L), Map.entry("promoted_version", 0L), Map.entry("evaluated", false),
                Map.entry("millis_since_promotion", 10_000L), Map.entry("min_refresh_interval_millis", 30_000L));
        assertThat(g.heldBack()).as("the trainer publishes again, evaluated, when the interval has passed")
                .isEqualTo(1);
        assertThat(g.retryDue(30 * SECOND)).isTrue();
        assertThat(g.rejections()).isEqualTo(1);
    }

    @Test
    void anEarlyPromotionUsedUpWithinTheIntervalHoldsBackTheNextIdleCandidateToo() {
        PromotionGate g = gate(0, 30);
        g.coldStart(0, 0);
        g.judge(1, recall(0.75, 40), recall(0.75, 40), 5 * SECOND, true);
        assertThat(g.promotedVersion()).as("promoted early as stream_idle").isEqualTo(1);

        assertThat(g.holdsBackRegardless(10 * SECOND, true)).isTrue();
        assertThat(g.holdBackUnevaluated(2, 10 * SECOND, true).reason()).isEqualTo("too_soon");
    }

    @Test
    void holdingBackUnevaluatedAfterTheIntervalIsRefused() {
        PromotionGate g = gate(0, 30);
        g.coldStart(0, 0);

        assertThatThrownBy(() -> g.holdBackUnevaluated(1, 30 * SECOND, false))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("version 1");
    }
}
