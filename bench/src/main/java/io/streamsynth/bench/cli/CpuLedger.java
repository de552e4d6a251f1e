package io.streamsynth.bench.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * CPU time of this JVM, whole and per kind of thread, between two readings. On a machine shared
 * with other work, wall-clock rates move with the neighbours' load; CPU seconds spent per image
 * do not, and the per-thread split shows which part of the job spends them.
 */
final class CpuLedger {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** Flink names task threads "name (1/1)#0"; Kafka and pools end in "-3", "#2" and the like. */
    private static final Pattern SUFFIX = Pattern.compile("(\\s*\\(\\d+/\\d+\\))?(#\\d+)?([-#_ ]?\\d+)*$");

    private final long processNanos;
    private final Map<Long, Long> threadNanos;
    private final Map<Long, String> threadNames;

    private CpuLedger(long processNanos, Map<Long, Long> threadNanos, Map<Long, String> threadNames) {
        this.processNanos = processNanos;
        this.threadNanos = threadNanos;
        this.threadNames = threadNames;
    }

    static CpuLedger read() {
        Map<Long, Long> nanos = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        if (THREADS.isThreadCpuTimeSupported()) {
            for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
                if (info != null) {
                    long t = THREADS.getThreadCpuTime(info.getThreadId());
                    if (t >= 0) {
                        nanos.put(info.getThreadId(), t);
                        names.put(info.getThreadId(), info.getThreadName());
                    }
                }
            }
        }
        return new CpuLedger(processCpuNanos(), nanos, names);
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** CPU seconds of the whole process since {@code earlier} (native threads included); NaN if unknown. */
    double processSecondsSince(CpuLedger earlier) {
        return processNanos < 0 || earlier.processNanos < 0 ? Double.NaN : (processNanos - earlier.processNanos) / 1e9;
    }

    /** CPU seconds per kind of Java thread since {@code earlier}, most first, kinds under 1% left out. */
    Map<String, Double> threadSecondsSince(CpuLedger earlier) {
        Map<String, Double> byKind = new HashMap<>();
        double total = 0;
        for (Map.Entry<Long, Long> e : threadNanos.entrySet()) {
            double s = (e.getValue() - earlier.threadNanos.getOrDefault(e.getKey(), 0L)) / 1e9;
            byKind.merge(kind(threadNames.get(e.getKey())), s, Double::sum);
            total += s;
        }
        double floor = 0.01 * total;
        Map<String, Double> out = new LinkedHashMap<>();
        byKind.entrySet().stream().filter(e -> e.getValue() >= floor)
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    static String kind(String threadName) {
        String k = SUFFIX.matcher(threadName).replaceFirst("");
        return k.length() > 40 ? k.substring(0, 40) : k;
    }
}
