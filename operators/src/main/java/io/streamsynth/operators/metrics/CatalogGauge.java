package io.streamsynth.operators.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * A gauge with one value per catalog, reported twice: under its name in the group
 * {@code catalog.<catalog>} (a key/value group, so Prometheus shows it as the label
 * {@code catalog="<catalog>"}), registered the first time the catalog's value is set; and under its
 * name in the operator's own group as the sum over every catalog this subtask has set since it
 * started. A catalog's value is kept once set (a catalog that empties reports 0).
 *
 * <p>The task thread sets the values, the metric reporters read them from their own threads.
 */
public final class CatalogGauge {
    /** Key of the per-catalog group; the trainer's per-catalog metrics share it. */
    public static final String GROUP = "catalog";

    private final MetricGroup operatorGroup;
    private final String name;
    private final Map<String, AtomicLong> values = new ConcurrentHashMap<>();

    /** Registers the total as {@code name} in {@code operatorGroup}. */
    public CatalogGauge(MetricGroup operatorGroup, String name) {
        if (operatorGroup == null || name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a catalog gauge needs a metric group and a name, got "
                    + operatorGroup + " and '" + name + "'");
        }
        this.operatorGroup = operatorGroup;
        this.name = name;
        operatorGroup.gauge(name, (Gauge<Long>) this::total);
    }

    /** Registers the catalog's gauge, at 0, unless it is registered already. */
    public void register(String catalog) {
        valueOf(catalog);
    }

    /** Sets the catalog's value, registering its gauge on first use. */
    public void set(String catalog, long value) {
        valueOf(catalog).set(value);
    }

    /** Adds {@code delta} (may be negative) to the catalog's value, registering its gauge on first use. */
    public void add(String catalog, long delta) {
        valueOf(catalog).addAndGet(delta);
    }

    /** Sets the catalogs in {@code current} to their values and every other catalog set before to 0. */
    public void setAll(Map<String, Long> current) {
        for (Map.Entry<String, AtomicLong> e : values.entrySet()) {
            if (!current.containsKey(e.getKey())) {
                e.getValue().set(0L);
            }
        }
        current.forEach(this::set);
    }

    /** The catalog's value; 0 for a catalog never set. */
    public long get(String catalog) {
        AtomicLong v = values.get(catalog);
        return v == null ? 0L : v.get();
    }

    /** The sum over every catalog set so far. */
    public long total() {
        long sum = 0;
        for (AtomicLong v : values.values()) {
            sum += v.get();
        }
        return sum;
    }

    private AtomicLong valueOf(String catalog) {
        AtomicLong v = values.get(catalog);
        if (v == null) {
            AtomicLong created = new AtomicLong();
            // Flink hands back the existing group when another gauge registered this catalog first.
            operatorGroup.addGroup(GROUP, catalog).gauge(name, (Gauge<Long>) created::get);
            values.put(catalog, created);
            v = created;
        }
        return v;
    }
}
