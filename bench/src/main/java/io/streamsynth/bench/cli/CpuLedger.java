package io.streamsynth.bench.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * CPU time of this JVM, whole and per kind of thread, between two readings. On a machine shared
 * with other work, wall-clock rates move with the neighbours' load; CPU seconds spent per image
 * do not, and the per-thread split shows which part of the job spends them.
 *
 * <p>Where Linux's {@code /proc/self/task} is readable, the split covers every thread of the
 * process, not only Java's: PyTorch's OpenMP workers, RocksDB's flush and compaction threads, the
 * garbage collector and the JIT compilers, which Java's thread bean does not list and which took a
 * quarter of the process's CPU in a streaming run with the embedder on. A native thread that
 * belongs to a Java thread (Linux keeps the first 15 characters of its name) is counted under the
 * Java thread's longer name.
 */
final class CpuLedger {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** Flink names task threads "name (1/1)#0"; Kafka and pools end in "-3", "#2" and the like. */
    private static final Pattern SUFFIX = Pattern.compile("(\\s*\\(\\d+/\\d+\\))?(#\\d+)?([-#_ ]?\\d+)*$");
    private static final Path TASKS = Path.of("/proc/self/task");
    /** Linux's USER_HZ: /proc counts CPU time in ticks of 10 ms on every common kernel build. */
    private static final double SECONDS_PER_TICK = 0.01;
    /** Linux's limit on a thread's name (TASK_COMM_LEN 16, with its terminating zero). */
    private static final int COMM_LENGTH = 15;

    private final long processNanos;
    /** CPU seconds of each thread, by thread and kind: a thread's id alone could be reused by a later one. */
    private final Map<ThreadKey, Double> secondsByThread;

    /** One thread of a reading: its id (Java's or the OS's) and the kind it is counted under. */
    private record ThreadKey(String id, String kind) {}

    private CpuLedger(long processNanos, Map<ThreadKey, Double> secondsByThread) {
        this.processNanos = processNanos;
        this.secondsByThread = secondsByThread;
    }

    static CpuLedger read() {
        Map<String, String> kindByComm = new HashMap<>();
        Map<ThreadKey, Double> javaSeconds = new HashMap<>();
        if (THREADS.isThreadCpuTimeSupported()) {
            for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
                if (info != null) {
                    long t = THREADS.getThreadCpuTime(info.getThreadId());
                    String name = info.getThreadName();
                    kindByComm.putIfAbsent(name.substring(0, Math.min(COMM_LENGTH, name.length())), kind(name));
                    if (t >= 0) {
                        javaSeconds.put(new ThreadKey("java-" + info.getThreadId(), kind(name)), t / 1e9);
                    }
                }
            }
        }
        Map<ThreadKey, Double> nativeSeconds = nativeThreads(kindByComm);
        return new CpuLedger(processCpuNanos(), nativeSeconds != null ? nativeSeconds : javaSeconds);
    }

    /** Seconds per OS thread, or null where /proc cannot be read (not Linux). */
    private static Map<ThreadKey, Double> nativeThreads(Map<String, String> kindByComm) {
        if (!Files.isDirectory(TASKS)) {
            return null;
        }
        Map<ThreadKey, Double> seconds = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path task : tasks) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"), StandardCharsets.UTF_8);
                } catch (IOException threadEnded) {
                    continue;
                }
                ThreadTicks t = ThreadTicks.parse(stat);
                String kind = kindByComm.getOrDefault(t.comm(), kind(t.comm()));
                seconds.put(new ThreadKey(task.getFileName().toString(), kind), t.ticks() * SECONDS_PER_TICK);
            }
        } catch (IOException e) {
            return null;
        }
        return seconds;
    }

    /**
     * A thread's name and its user plus system CPU ticks, from one line of {@code /proc/PID/task/TID/stat}
     * (proc(5): the name in parentheses is field 2, utime and stime fields 14 and 15).
     */
    record ThreadTicks(String comm, long ticks) {
        static ThreadTicks parse(String stat) {
            int open = stat.indexOf('(');
            int close = stat.lastIndexOf(')');
            if (open < 0 || close < open) {
                throw new IllegalArgumentException("not a /proc stat line: " + stat);
            }
            // fields after the name start at field 3 (state)
            String[] rest = stat.substring(close + 2).trim().split(" ");
            return new ThreadTicks(stat.substring(open + 1, close), Long.parseLong(rest[11]) + Long.parseLong(rest[12]));
        }
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

    /** CPU seconds per kind of thread since {@code earlier}, most first, kinds under 1% left out. */
    Map<String, Double> threadSecondsSince(CpuLedger earlier) {
        Map<String, Double> byKind = new HashMap<>();
        double total = 0;
        for (Map.Entry<ThreadKey, Double> e : secondsByThread.entrySet()) {
            double s = e.getValue() - earlier.secondsByThread.getOrDefault(e.getKey(), 0.0);
            byKind.merge(e.getKey().kind(), s, Double::sum);
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
