package io.streamsynth.pipeline.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.StreamSupport;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamEdge;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.runtime.partitioner.BroadcastPartitioner;
import org.apache.flink.streaming.runtime.partitioner.ForwardPartitioner;
import org.apache.flink.streaming.runtime.partitioner.KeyGroupStreamPartitioner;
import org.junit.jupiter.api.Test;

/**
 * The job graph's shuffles, as the README's data flow draws them: keyed by item once (dedup, then the
 * embedder on the same partitioning), keyed by catalog once (batch builder, then the trainer on the same
 * partitioning, in one task), the embedder's models broadcast as weights only, and the catalogs topic
 * broadcast into the decoder alone. It only builds the
 * graph (no cluster, no broker); named IT because it builds the whole job.
 */
class JobGraphShapeIT {

    private static StreamGraph graph() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        StreamsynthJob.build(env, GeneratedCatalog.config("localhost:9", "graph"));
        return env.getStreamGraph();
    }

    private static StreamNode node(StreamGraph g, String name) {
        List<StreamNode> found = g.getStreamNodes().stream().filter(n -> n.getOperatorName().equals(name)).toList();
        assertThat(found).as("operator %s", name).hasSize(1);
        return found.get(0);
    }

    private static String from(StreamGraph g, StreamEdge e) {
        return g.getStreamNode(e.getSourceId()).getOperatorName();
    }

    @Test
    void keysByCatalogOnceAndBroadcastsWeightsOnly() {
        StreamGraph g = graph();

        List<String> keyed = g.getStreamNodes().stream().flatMap(n -> n.getInEdges().stream())
                .filter(e -> e.getPartitioner() instanceof KeyGroupStreamPartitioner)
                .map(e -> from(g, e) + " -> " + g.getStreamNode(e.getTargetId()).getOperatorName()).toList();
        assertThat(keyed).as("hash shuffles").contains("decode+validate -> drop duplicates",
                "drop duplicates -> batch builder");
        assertThat(keyed).noneMatch(edge -> edge.endsWith("-> trainer"));

        StreamEdge intoTrainer = node(g, "trainer").getInEdges().get(0);
        assertThat(from(g, intoTrainer)).isEqualTo("batch builder");
        assertThat(intoTrainer.getPartitioner()).isInstanceOf(ForwardPartitioner.class);

        List<StreamEdge> intoEmbedder = node(g, "embedder").getInEdges();
        assertThat(intoEmbedder).anySatisfy(e -> {
            assertThat(from(g, e)).isEqualTo("weights only");
            assertThat(e.getPartitioner()).isInstanceOf(BroadcastPartitioner.class);
        });
        assertThat(intoEmbedder).anySatisfy(e -> {
            assertThat(from(g, e)).isEqualTo("drop duplicates");
            assertThat(e.getPartitioner()).isInstanceOf(ForwardPartitioner.class);
        });

        // the catalogs topic reaches every decoder subtask (broadcast state), not the other operators
        List<StreamEdge> intoDecoder = node(g, "decode+validate").getInEdges();
        assertThat(intoDecoder).anySatisfy(e -> {
            assertThat(from(g, e)).contains("catalogs");
            assertThat(e.getPartitioner()).isInstanceOf(BroadcastPartitioner.class);
        });
        assertThat(g.getStreamNodes()).filteredOn(n -> n.getOperatorName().contains("catalogs"))
                .flatExtracting(StreamNode::getOutEdges).hasSize(1);

        List<String> tasks = StreamSupport.stream(g.getJobGraph().getVertices().spliterator(), false)
                .map(JobVertex::getName).toList();
        assertThat(tasks).as("batch builder and trainer chain into one task")
                .anyMatch(t -> t.contains("batch builder") && t.contains("trainer"));
    }
}
