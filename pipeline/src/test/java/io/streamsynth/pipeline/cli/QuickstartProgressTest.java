package io.streamsynth.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.model.checkpoint.CheckpointMetadata;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class QuickstartProgressTest {

    private static CheckpointMetadata model(String catalog, long version, long step, Double recallAt1) {
        Map<String, Double> evaluation = recallAt1 == null ? Map.of() : Map.of("r_at_1", recallAt1);
        return CheckpointMetadata.withoutWeightsSha(catalog, version, step, 0L, Map.of(), Map.of(), evaluation);
    }

    @Test
    void showsEveryCatalogsNewestModelAndTheTopicsEventsBesideTheQuickstartsOwn() {
        TreeMap<String, CheckpointMetadata> newest = new TreeMap<>();
        newest.put("shoes", model("shoes", 1, 1, null));
        newest.put("fashion", model("fashion", 7, 1221, 0.97731));

        assertThat(QuickstartProgress.line(22_040, 22_000, 22_000, newest, 121_548, 3)).isEqualTo(
                "events 22040 in topic (quickstart sent 22000/22000)"
                        + "  |  fashion: version 7  step 1221  held-out R@1 0.9773"
                        + "  |  shoes: version 1  step 1  held-out R@1 -"
                        + "  |  embeddings out 121548  |  dead letters 3");
    }

    @Test
    void saysWhenTheNewestVersionWasHeldBackWithoutAnEvaluation() {
        TreeMap<String, CheckpointMetadata> newest = new TreeMap<>();
        newest.put("fashion", model("fashion", 8, 1400, null).withPromotion(Map.of("promoted", false, "reason",
                "too_soon", "evaluated", false)));

        assertThat(QuickstartProgress.line(22_040, 22_000, 22_000, newest, 121_548, 3)).contains(
                "fashion: version 8  step 1400  held-out R@1 - (too soon, not evaluated)");
    }

    @Test
    void saysSoBeforeAnyModel() {
        assertThat(QuickstartProgress.line(10, 7, 100, new TreeMap<>(), 0, 0))
                .isEqualTo("events 10 in topic (quickstart sent 7/100)  |  no model yet  |  embeddings out 0"
                        + "  |  dead letters 0");
    }

    @Test
    void printsCountsAsIntegersAndFiguresWithFourDecimals() {
        Map<String, Double> evaluation = new LinkedHashMap<>();
        evaluation.put("r_at_1", 0.97731);
        evaluation.put("held_out_items", 1984.0);
        evaluation.put("non_finite_embeddings", 0.0);

        assertThat(QuickstartProgress.figures(evaluation))
                .isEqualTo("{r_at_1=0.9773, held_out_items=1984, non_finite_embeddings=0}");
    }
}
