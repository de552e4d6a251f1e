package io.streamsynth.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl-C and SIGTERM on a real JVM running {@link StopOnSignalProbe}: the summary prints and the files go. */
@Timeout(120)
class StopOnSignalTest {
    @TempDir
    Path tmp;

    private Process start(String... args) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Djava.io.tmpdir=" + tmp, "-cp",
                System.getProperty("java.class.path"), StopOnSignalProbe.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /** Sends the signal once the probe is ready; returns its output lines after it exited. */
    private static List<String> signalAndCollect(Process probe, Signal signal) throws Exception {
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(probe.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line);
                if (line.startsWith("ready ")) {
                    signal.send(probe);
                }
            }
        }
        assertThat(probe.waitFor(60, TimeUnit.SECONDS)).as("the probe exits").isTrue();
        return lines;
    }

    private interface Signal {
        void send(Process p) throws Exception;
    }

    /** Through kill(1): Process.destroy() would send SIGTERM but also close the output being read. */
    private static Signal kill(String name) {
        return p -> new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).start().waitFor();
    }

    private void assertSummarizedAndCleaned(List<String> lines) throws Exception {
        String ready = lines.stream().filter(l -> l.startsWith("ready ")).findFirst().orElseThrow();
        Path root = Path.of(ready.substring("ready ".length()));
        assertThat(root.getFileName().toString()).startsWith("streamsynth-quickstart");
        assertThat(lines).as("output: %s", lines).contains("== summary");
        assertThat(root).doesNotExist();
        try (var left = Files.list(tmp)) {
            assertThat(left).as("nothing left in the temp directory").isEmpty();
        }
    }

    /**
     * Whether this JVM (and so the probe it starts, which inherits the disposition) ignores SIGINT:
     * a job started in the background by a non-interactive shell does, and a JVM that starts with
     * SIGINT ignored installs no handler for it, so no Ctrl-C can reach it there.
     */
    private static boolean sigintIgnored() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("SigIgn:")) {
                long mask = Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16);
                return (mask & (1L << (2 - 1))) != 0;
            }
        }
        return false;
    }

    @Test
    void ctrlCPrintsTheSummaryAndRemovesTheRunsFiles() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(sigintIgnored(),
                "SIGINT is ignored by this process (started in the background), so the probe cannot receive it");
        Process probe = start();
        List<String> lines = signalAndCollect(probe, kill("INT"));

        assertSummarizedAndCleaned(lines);
        assertThat(probe.exitValue()).as("killed by SIGINT").isEqualTo(128 + 2);
    }

    /**
     * Kafka's test kit deletes a broker's temporary data in a shutdown hook of its own, and the
     * broker halts the JVM when its log directory goes: the quickstart's broker keeps its data in
     * the run's folder, removed after the broker stopped.
     */
    @Test
    void theBrokerOutlivesASignalUntilTheRunHasStoppedIt() throws Exception {
        // SIGTERM runs the same shutdown hooks as Ctrl-C and reaches a background process too
        Process probe = start("kafka");
        List<String> lines = signalAndCollect(probe, kill("TERM"));

        assertThat(lines).contains("broker still up after the signal");
        assertSummarizedAndCleaned(lines);
        assertThat(probe.exitValue()).as("killed by SIGTERM").isEqualTo(128 + 15);
    }

    @Test
    void sigtermDoesTheSame() throws Exception {
        Process probe = start();
        List<String> lines = signalAndCollect(probe, kill("TERM"));

        assertSummarizedAndCleaned(lines);
        assertThat(probe.exitValue()).as("killed by SIGTERM").isEqualTo(128 + 15);
    }
}
