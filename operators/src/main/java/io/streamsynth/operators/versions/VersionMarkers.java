package io.streamsynth.operators.versions;

import io.streamsynth.operators.types.VersionMarker;
import io.streamsynth.operators.types.VersionProgress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins the embedder's {@link VersionProgress} reports, keyed by catalog, into one
 * {@link VersionMarker} per (catalog, version): "complete" once every key group of the embedder has
 * reported the version complete (items: the sum of the key groups' live items), or "superseded" at
 * the first report that a newer version cut a pass at this version short (items: the live items of
 * the key groups that had completed, plus what the cut subtask had embedded).
 *
 * <p>Never twice for one version: a version with a marker is remembered, and later reports of it
 * (from subtasks that finish after a superseded marker, or that speak again after a restore) are
 * ignored. The memory stays small: each subtask reports its versions in order, and a subtask
 * reports a version only after it reported every older one, so once a version is settled no report
 * can come for an older version that has none open; those are forgotten into one number,
 * {@code settledThrough}. All of it is keyed state, checkpointed with the marker sink's
 * transaction, so a restore neither loses nor repeats a marker.
 *
 * <p>Metrics per catalog (group {@code catalog}): counters {@code versionsCompleted},
 * {@code versionsSuperseded}, gauge {@code lastCompleteVersion} (-1 until one completes in this run);
 * and {@code versionReportsIgnored} over all catalogs.
 */
public final class VersionMarkers extends KeyedProcessFunction<String, VersionProgress, VersionMarker> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(VersionMarkers.class);

    private transient ValueState<Long> settledThrough;
    private transient MapState<Long, VersionCoverage> open;
    private transient MapState<Long, Boolean> settled;
    private transient Map<String, CatalogMetrics> metrics;
    private transient Counter ignored;

    private static final class CatalogMetrics {
        final Counter completed;
        final Counter superseded;
        volatile long lastComplete = -1;

        CatalogMetrics(MetricGroup group) {
            completed = group.counter("versionsCompleted");
            superseded = group.counter("versionsSuperseded");
            group.gauge("lastCompleteVersion", (Gauge<Long>) () -> lastComplete);
        }
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        var ctx = getRuntimeContext();
        settledThrough = ctx.getState(new ValueStateDescriptor<>("settled-through", Types.LONG));
        open = ctx.getMapState(new MapStateDescriptor<>("open-versions", Types.LONG,
                TypeInformation.of(VersionCoverage.class)));
        settled = ctx.getMapState(new MapStateDescriptor<>("settled-versions", Types.LONG, Types.BOOLEAN));
        metrics = new HashMap<>();
        ignored = ctx.getMetricGroup().counter("versionReportsIgnored");
    }

    @Override
    public void processElement(VersionProgress report, Context ctx, Collector<VersionMarker> out) throws Exception {
        long version = report.version;
        Long through = settledThrough.value();
        if ((through != null && version <= through) || settled.contains(version)) {
            ignored.inc();
            return;
        }
        VersionCoverage coverage = open.get(version);
        if (coverage == null) {
            coverage = VersionCoverage.empty(report.maxParallelism, report.checkpointSha256, report.weightsSha256);
        }
        long now = ctx.timerService().currentProcessingTime();
        if (report.superseded) {
            settle(report.catalog, version, new VersionMarker(report.catalog, version, VersionMarker.SUPERSEDED,
                    coverage.items() + report.embedded, now, coverage.checkpointSha256, coverage.weightsSha256), out);
            return;
        }
        try {
            coverage.add(report);
        } catch (IllegalArgumentException e) {
            // only a job whose embedder changed its max parallelism could send it; Flink refuses such a restore
            LOG.error("ignoring a report of {} v{}: {}", report.catalog, version, e.getMessage());
            ignored.inc();
            return;
        }
        if (coverage.isComplete()) {
            settle(report.catalog, version, new VersionMarker(report.catalog, version, VersionMarker.COMPLETE,
                    coverage.items(), now, coverage.checkpointSha256, coverage.weightsSha256), out);
        } else {
            open.put(version, coverage);
        }
    }

    private void settle(String catalog, long version, VersionMarker marker, Collector<VersionMarker> out)
            throws Exception {
        out.collect(marker);
        open.remove(version);
        settled.put(version, Boolean.TRUE);
        CatalogMetrics m = metrics.computeIfAbsent(catalog,
                c -> new CatalogMetrics(getRuntimeContext().getMetricGroup().addGroup("catalog", c)));
        if (marker.isComplete()) {
            m.completed.inc();
            m.lastComplete = Math.max(m.lastComplete, version);
        } else {
            m.superseded.inc();
        }
        forgetSettledBelowOpen();
    }

    /** Settled versions below the oldest open one can get no report any more: one number remembers them. */
    private void forgetSettledBelowOpen() throws Exception {
        long oldestOpen = Long.MAX_VALUE;
        for (Long v : open.keys()) {
            oldestOpen = Math.min(oldestOpen, v);
        }
        Long through = settledThrough.value();
        long newThrough = through == null ? Long.MIN_VALUE : through;
        List<Long> forget = new ArrayList<>();
        for (Long v : settled.keys()) {
            if (v < oldestOpen) {
                forget.add(v);
                newThrough = Math.max(newThrough, v);
            }
        }
        for (Long v : forget) {
            settled.remove(v);
        }
        if (newThrough != Long.MIN_VALUE) {
            settledThrough.update(newThrough);
        }
    }
}
