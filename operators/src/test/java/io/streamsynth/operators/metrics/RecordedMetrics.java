package io.streamsynth.operators.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.JobID;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.clusterframework.types.ResourceID;
import org.apache.flink.runtime.executiongraph.ExecutionAttemptID;
import org.apache.flink.runtime.metrics.groups.TaskManagerMetricGroup;
import org.apache.flink.runtime.metrics.groups.TaskMetricGroup;
import org.apache.flink.runtime.metrics.util.TestingMetricRegistry;

/**
 * A task metric group on Flink's real metric groups whose registry records what operators register,
 * subgroups included (Flink's intercepting groups see only the operator group itself). Give
 * {@link #taskGroup} to a {@code MockEnvironmentBuilder}; read the operator's metrics by name, and
 * those of a catalog's group ({@code catalog.<name>}) by catalog and name.
 */
public final class RecordedMetrics {
    private static final String OPERATOR = "<operator_id>";
    private static final String CATALOG = "<" + CatalogGauge.GROUP + ">";

    /** Key: the catalog, or "" for the operator's own group, then a slash and the metric name. */
    private final Map<String, Metric> registered = new ConcurrentHashMap<>();
    private final TaskMetricGroup task;

    public RecordedMetrics() {
        TestingMetricRegistry registry = TestingMetricRegistry.builder()
                .setRegisterConsumer((metric, name, group) -> {
                    Map<String, String> variables = group.getAllVariables();
                    if (variables.containsKey(OPERATOR)) {
                        registered.put(variables.getOrDefault(CATALOG, "") + "/" + name, metric);
                    }
                })
                .build();
        task = TaskManagerMetricGroup.createTaskManagerMetricGroup(registry, "localhost", ResourceID.generate())
                .addJob(new JobID(), "job")
                .addTask(ExecutionAttemptID.randomId(), "task");
    }

    public TaskMetricGroup taskGroup() {
        return task;
    }

    /** A numeric gauge of the operator's own group. */
    public long gauge(String name) {
        return value("", name);
    }

    /** A numeric gauge of the catalog's group. */
    public long gauge(String catalog, String name) {
        return value(catalog, name);
    }

    /** A counter of the operator's own group. */
    public long count(String name) {
        Metric m = registered.get("/" + name);
        if (!(m instanceof Counter c)) {
            throw new AssertionError("no counter " + name + "; registered: " + registered.keySet());
        }
        return c.getCount();
    }

    /** Whether the catalog's group holds a metric of this name. */
    public boolean has(String catalog, String name) {
        return registered.containsKey(catalog + "/" + name);
    }

    private long value(String catalog, String name) {
        Metric m = registered.get(catalog + "/" + name);
        if (!(m instanceof Gauge<?> g) || !(g.getValue() instanceof Number n)) {
            throw new AssertionError("no numeric gauge " + name
                    + (catalog.isEmpty() ? "" : " of catalog " + catalog) + "; registered: " + registered.keySet());
        }
        return n.longValue();
    }
}
