package io.streamsynth.pipeline.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsynth.pipeline.cli.JobOptions;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.runtime.jobmanager.scheduler.SlotSharingGroup;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/**
 * The job graph the scheduler gets: which operators may share a slot. It builds the whole job
 * graph (nothing runs), hence the integration tier (TestTiersTest).
 */
class SlotGroupsIT {

    private static StreamGraph graph(SlotGroups groups) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
        StreamsynthJob.build(env, new JobOptions().toConfig("localhost:9092"), true, groups);
        return env.getStreamGraph();
    }

    /** Each operator's slot-sharing group name in the stream graph. */
    private static Map<String, String> groupByOperator(StreamGraph graph) {
        Map<String, String> out = new HashMap<>();
        for (StreamNode node : graph.getStreamNodes()) {
            out.put(node.getOperatorName(), node.getSlotSharingGroup());
        }
        return out;
    }

    /** The job vertex whose chain holds the named operator. */
    private static SlotSharingGroup groupOfVertex(JobGraph job, String operator) {
        for (JobVertex v : job.getVertices()) {
            if (v.getName().contains(operator)) {
                return v.getSlotSharingGroup();
            }
        }
        throw new AssertionError("no vertex holds " + operator);
    }

    @Test
    void separateGroupsPutTrainerAndEmbedderWhereNoSlotHoldsBoth() throws Exception {
        StreamGraph graph = graph(new SlotGroups("training", "embedding"));
        Map<String, String> groups = groupByOperator(graph);

        assertThat(groups).containsEntry("batch builder", "training").containsEntry("trainer", "training")
                .containsEntry("checkpoint chunks", "training").containsEntry("promoted versions", "training")
                .containsEntry("embedder", "embedding").containsEntry("version markers", "embedding")
                .containsEntry("decode+validate", SlotGroups.DEFAULT)
                .containsEntry("drop duplicates", SlotGroups.DEFAULT);
        assertThat(groups.entrySet()).filteredOn(e -> e.getKey().startsWith("embeddings sink"))
                .allMatch(e -> e.getValue().equals("embedding")).isNotEmpty();

        JobGraph job = graph.getJobGraph();
        SlotSharingGroup trainer = groupOfVertex(job, "trainer");
        SlotSharingGroup embedder = groupOfVertex(job, "embedder");
        assertThat(trainer).isNotSameAs(embedder);
        assertThat(trainer.getJobVertexIds()).doesNotContainAnyElementsOf(embedder.getJobVertexIds());
    }

    @Test
    void byDefaultOneSlotMayHoldEveryOperator() throws Exception {
        StreamGraph graph = graph(SlotGroups.shared());
        assertThat(groupByOperator(graph).values()).containsOnly(SlotGroups.DEFAULT);
        JobGraph job = graph.getJobGraph();
        assertThat(groupOfVertex(job, "trainer")).isSameAs(groupOfVertex(job, "embedder"));
    }

    @Test
    void aGroupNameThatFlinkConfigurationCannotCarryIsRefused() {
        assertThatThrownBy(() -> new SlotGroups("train ing", "embedder")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--trainer-slot-group");
        assertThatThrownBy(() -> new SlotGroups("trainer", "")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--embedder-slot-group");
    }
}
