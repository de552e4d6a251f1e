package io.streamsynth.pipeline.job;

import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;

/** Reads a local job's metrics as the Web UI would show them, through Flink's in-memory test reporter. */
final class JobMetrics {
    private static final String JOB_ID = "<job_id>";
    private static final String OPERATOR = "<operator_name>";
    private static final String TASK = "<task_id>";
    private static final String CATALOG = "<catalog>";

    private final InMemoryReporter reporter = InMemoryReporter.create();

    /** Registers the reporter in a MiniCluster configuration. */
    Configuration addTo(Configuration conf) {
        return reporter.addToConfiguration(conf);
    }

    /**
     * A counter or numeric gauge of an operator (by its name in the job graph), summed over its
     * subtasks; metrics of subgroups (e.g. per catalog) are not included.
     */
    long operator(JobID job, String operator, String metric) {
        long sum = 0;
        boolean found = false;
        for (Map.Entry<MetricGroup, Map<String, Metric>> group : reporter.getMetricsByGroup().entrySet()) {
            Map<String, String> variables = group.getKey().getAllVariables();
            Metric m = group.getValue().get(metric);
            if (m != null && job.toHexString().equals(variables.get(JOB_ID))
                    && operator.equals(variables.get(OPERATOR)) && isOperatorGroupItself(group.getKey())) {
                sum += value(m);
                found = true;
            }
        }
        if (!found) {
            throw new AssertionError("no metric " + metric + " on operator " + operator);
        }
        return sum;
    }

    /** A numeric gauge of one catalog's group ({@code catalog.<name>}) of an operator, summed over its subtasks. */
    long catalog(JobID job, String operator, String catalog, String metric) {
        long sum = 0;
        boolean found = false;
        for (Map.Entry<MetricGroup, Map<String, Metric>> group : reporter.getMetricsByGroup().entrySet()) {
            Map<String, String> variables = group.getKey().getAllVariables();
            Metric m = group.getValue().get(metric);
            if (m != null && job.toHexString().equals(variables.get(JOB_ID))
                    && operator.equals(variables.get(OPERATOR)) && catalog.equals(variables.get(CATALOG))) {
                sum += value(m);
                found = true;
            }
        }
        if (!found) {
            throw new AssertionError("no metric " + metric + " of catalog " + catalog + " on operator " + operator);
        }
        return sum;
    }

    /** A job-level metric of the JobManager, e.g. {@code numRestarts}. */
    long job(JobID job, String metric) {
        for (Map.Entry<MetricGroup, Map<String, Metric>> group : reporter.getMetricsByGroup().entrySet()) {
            Map<String, String> variables = group.getKey().getAllVariables();
            Metric m = group.getValue().get(metric);
            if (m != null && job.toHexString().equals(variables.get(JOB_ID)) && !variables.containsKey(TASK)) {
                return value(m);
            }
        }
        throw new AssertionError("no job metric " + metric);
    }

    /** An operator group's scope ends with its name and subtask index; user subgroups add components after. */
    private static boolean isOperatorGroupItself(MetricGroup group) {
        String[] scope = group.getScopeComponents();
        return scope.length > 1 && scope[scope.length - 2].equals(group.getAllVariables().get(OPERATOR));
    }

    private static long value(Metric m) {
        if (m instanceof Counter c) {
            return c.getCount();
        }
        if (m instanceof Gauge<?> g && g.getValue() instanceof Number n) {
            return n.longValue();
        }
        throw new AssertionError("not a counter or numeric gauge: " + m);
    }
}
