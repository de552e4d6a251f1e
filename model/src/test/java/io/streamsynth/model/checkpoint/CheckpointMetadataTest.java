package io.streamsynth.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CheckpointMetadataTest {

    private static final String SHA = "ab".repeat(32);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static CheckpointMetadata metadata() {
        return TestCheckpoints.metadataWithoutSha().withWeightsSha256(SHA);
    }

    private static ObjectNode jsonTree() throws Exception {
        return (ObjectNode) JSON.readTree(metadata().toJson());
    }

    @Test
    void survivesAJsonRoundTrip() {
        CheckpointMetadata original = metadata();

        assertThat(CheckpointMetadata.fromJson(original.toJson())).isEqualTo(original);
        assertThat(CheckpointMetadata.fromJson(original.toPrettyJson())).isEqualTo(original);
    }

    @Test
    void writesSnakeCaseFieldsInDeclarationOrder() {
        String json = new String(metadata().toJson(), StandardCharsets.UTF_8);

        assertThat(json).startsWith("{\"format_version\":1,\"catalog\":\"offline\",\"model_version\":3,\"step\":1200,"
                + "\"created_at_millis\":1700000000000,\"architecture\":{");
        assertThat(json).endsWith("\"evaluation\":{\"r_at_1\":0.625,\"nmi\":0.5},\"weights_sha256\":\"" + SHA + "\",\"lineage\":{}}");
    }

    @Test
    void writesCountsAsIntegersAndReadsThemBackAsTheSameFigures() throws Exception {
        CheckpointMetadata counted = new CheckpointMetadata(1, "fashion", 3, 1200, 1_700_000_000_000L,
                metadata().architecture(), metadata().hyperParameters(),
                Map.of("held_out_items", 1984.0, "non_finite_embeddings", 0.0, "r_at_1", 1.0), SHA, Map.of(), Map.of(), Map.of());

        var evaluation = JSON.readTree(counted.toJson()).get("evaluation");
        assertThat(evaluation.get("held_out_items").isIntegralNumber()).isTrue();
        assertThat(evaluation.get("held_out_items").longValue()).isEqualTo(1984L);
        assertThat(evaluation.get("non_finite_embeddings").isIntegralNumber()).isTrue();
        // a figure that is not a count stays a double even when it is whole
        assertThat(evaluation.get("r_at_1").isDouble()).isTrue();
        assertThat(CheckpointMetadata.fromJson(counted.toJson())).isEqualTo(counted);
        assertThat(CheckpointMetadata.fromJson(counted.toPrettyJson())).isEqualTo(counted);
    }

    @Test
    void carriesThePromotionGatesDecisionAndTreatsCheckpointsWithoutOneAsPromoted() {
        Map<String, Object> decision = new java.util.LinkedHashMap<>();
        decision.put("promoted", false);
        decision.put("reason", "recall_dropped");
        decision.put("serving_version", 2);
        CheckpointMetadata held = metadata().withPromotion(decision);
        CheckpointMetadata read = CheckpointMetadata.fromJson(held.toJson());

        assertThat(new String(held.toJson(), StandardCharsets.UTF_8)).endsWith("\"lineage\":{},\"promotion\":{"
                + "\"promoted\":false,\"reason\":\"recall_dropped\",\"serving_version\":2}}");
        assertThat(read.promotion()).containsEntry("promoted", false).containsEntry("reason", "recall_dropped");
        assertThat(read.promoted()).isFalse();
        assertThat(metadata().promoted()).as("offline checkpoints and those from before the gate").isTrue();
        assertThat(metadata().withPromotion(Map.of("promoted", true)).promoted()).isTrue();
    }

    @Test
    void ignoresFieldsItDoesNotKnow() throws Exception {
        ObjectNode tree = jsonTree();
        tree.put("written_by_a_future_version", "yes");
        tree.putObject("provenance").put("parent", 2);

        assertThat(CheckpointMetadata.fromJson(JSON.writeValueAsBytes(tree))).isEqualTo(metadata());
    }

    @Test
    void treatsAMissingEvaluationAsEmpty() throws Exception {
        ObjectNode tree = jsonTree();
        tree.remove("evaluation");

        assertThat(CheckpointMetadata.fromJson(JSON.writeValueAsBytes(tree)).evaluation()).isEmpty();
    }

    @Test
    void rejectsAMissingRequiredFieldByName() throws Exception {
        for (String field : new String[] {"format_version", "catalog", "model_version", "step",
                "created_at_millis", "architecture", "hyper_parameters", "weights_sha256"}) {
            ObjectNode tree = jsonTree();
            tree.remove(field);
            byte[] json = JSON.writeValueAsBytes(tree);

            assertThatThrownBy(() -> CheckpointMetadata.fromJson(json))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("checkpoint metadata is missing required field '" + field + "'");
        }
    }

    @Test
    void rejectsANullRequiredField() throws Exception {
        ObjectNode tree = jsonTree();
        tree.putNull("step");

        assertThatThrownBy(() -> CheckpointMetadata.fromJson(JSON.writeValueAsBytes(tree)))
                .hasMessageContaining("missing required field 'step'");
    }

    @Test
    void rejectsMalformedJson() {
        assertThatThrownBy(() -> CheckpointMetadata.fromJson("{\"catalog\":".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("checkpoint metadata is not valid JSON");
    }

    @Test
    void rejectsAWeightsDigestThatIsNotLowercaseHex() throws Exception {
        ObjectNode tree = jsonTree();
        tree.put("weights_sha256", SHA.toUpperCase());

        assertThatThrownBy(() -> CheckpointMetadata.fromJson(JSON.writeValueAsBytes(tree)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("weights_sha256 must be 64 lowercase hex digits");
    }

    @Test
    void rejectsAFormatVersionNewerThanThisReader() throws Exception {
        ObjectNode tree = jsonTree();
        tree.put("format_version", 2);

        assertThatThrownBy(() -> CheckpointMetadata.fromJson(JSON.writeValueAsBytes(tree)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("format_version 2 is not supported");
    }

    @Test
    void rejectsAValueOfTheWrongType() throws Exception {
        ObjectNode tree = jsonTree();
        tree.put("step", "soon");

        assertThatThrownBy(() -> CheckpointMetadata.fromJson(JSON.writeValueAsBytes(tree)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("checkpoint metadata is invalid");
    }

    @Test
    void refusesToSerialiseWithoutAWeightsDigest() {
        assertThatThrownBy(() -> TestCheckpoints.metadataWithoutSha().toJson())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Checkpoint.of");
    }

    @Test
    void mapsCannotBeChangedAfterConstruction() {
        CheckpointMetadata metadata = metadata();

        assertThatThrownBy(() -> metadata.evaluation().put("r_at_1", 1.0))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(metadata.architecture()).containsEntry("embedding_dim", 64);
        assertThat(metadata.hyperParameters()).containsAllEntriesOf(Map.of("loss", "proxy_anchor"));
    }
}
