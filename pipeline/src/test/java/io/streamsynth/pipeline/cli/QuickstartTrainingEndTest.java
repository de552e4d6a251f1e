package io.streamsynth.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.model.checkpoint.CheckpointMetadata;
import io.streamsynth.operators.decode.HeldOutSelector;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class QuickstartTrainingEndTest {

    private static CheckpointMetadata version(long v, long freshTrained, String reason) {
        return CheckpointMetadata.withoutWeightsSha("fashion", v, 10 * v, 1000 * v, Map.of(), Map.of(), Map.of())
                .withLineage(Map.of("freshness", Map.of("count", freshTrained, "p50_ms", 10)))
                .withPromotion(Map.of("promoted", !reason.equals("too_soon") && !reason.equals("recall_dropped"),
                        "reason", reason));
    }

    @Test
    void endsOnceThePublishedFreshCountsLeaveLessThanOneBatchUntrained() {
        // 100 trainable samples, 16 fresh per batch: 85 trained leaves 15, too few for another step
        QuickstartTrainingEnd end = new QuickstartTrainingEnd(100, 16);
        CheckpointMetadata v0 = CheckpointMetadata.withoutWeightsSha("fashion", 0, 0, 0, Map.of(), Map.of(), Map.of())
                .withPromotion(Map.of("promoted", true, "reason", "cold_start"));

        assertThat(end.ended(List.of(v0, version(1, 48, "recall_within_tolerance"))))
                .as("52 untrained: more steps to come").isFalse();
        assertThat(end.ended(List.of(v0, version(1, 48, "recall_within_tolerance"), version(2, 36, "recall_dropped"))))
                .as("16 untrained: one more batch is possible").isFalse();
        assertThat(end.ended(List.of(version(3, 1, "recall_dropped"), v0, version(1, 48, "recall_within_tolerance"),
                version(2, 36, "recall_dropped")))).as("15 untrained, in any order").isTrue();
    }

    @Test
    void aCandidateHeldBackAsTooSoonIsFollowedByTheTrainersRetryAndSoDoesNotEndIt() {
        QuickstartTrainingEnd end = new QuickstartTrainingEnd(64, 16);

        assertThat(end.ended(List.of(version(1, 64, "too_soon")))).isFalse();
        assertThat(end.ended(List.of(version(1, 64, "too_soon"), version(2, 0, "recall_within_tolerance")))).isTrue();
    }

    @Test
    void versionsWithoutFreshnessCountNothingSoLostSamplesNeverEndTheRun() {
        QuickstartTrainingEnd end = new QuickstartTrainingEnd(64, 16);
        CheckpointMetadata noLineage = CheckpointMetadata.withoutWeightsSha("fashion", 5, 50, 0, Map.of(), Map.of(),
                Map.of());

        assertThat(end.ended(List.of(noLineage, version(1, 40, "recall_within_tolerance")))).isFalse();
        assertThat(end.ended(List.of())).isFalse();
    }

    @Test
    void countsAsTrainableExactlyTheItemsTheJobsHeldOutRuleLeavesIn() {
        List<String> ids = IntStream.range(0, 2000).mapToObj(i -> "train-" + i).toList();
        HeldOutSelector rule = new HeldOutSelector(0.1);
        long expected = ids.stream().filter(id -> !rule.isHeldOut("fashion", id)).count();

        long trainable = QuickstartTrainingEnd.trainable("fashion", ids, 0.1);

        assertThat(trainable).isEqualTo(expected).isBetween(1700L, 1900L);
        assertThat(QuickstartTrainingEnd.trainable("fashion", ids, 0)).isEqualTo(2000);
    }
}
