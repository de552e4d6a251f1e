package io.streamsynth.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class CpuLedgerTest {

    @Test
    void readsUserPlusSystemTicksAfterANameThatHoldsParenthesesAndSpaces() {
        // proc(5) fields: pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime
        String stat = "4242 (trainer (1/1)) R 1 1 1 0 -1 4194560 10 0 0 0 1234 56 0 0 20 0 1 0 100 0 0\n";

        CpuLedger.ThreadTicks t = CpuLedger.ThreadTicks.parse(stat);

        assertThat(t.comm()).isEqualTo("trainer (1/1)");
        assertThat(t.ticks()).isEqualTo(1290);
    }

    @Test
    void countsABusyJavaThreadUnderItsFullNameBeyondLinuxsFifteenCharacters() throws Exception {
        assumeThat(Files.isDirectory(Path.of("/proc/self/task"))).isTrue();
        CpuLedger before = CpuLedger.read();
        CountDownLatch burnt = new CountDownLatch(1);
        CountDownLatch read = new CountDownLatch(1);
        Thread busy = new Thread(() -> {
            // burns 0.2 s of its own CPU time however loaded the machine, then stays alive until read:
            // a thread that has ended is gone from /proc
            var bean = java.lang.management.ManagementFactory.getThreadMXBean();
            double x = 0;
            while (bean.getCurrentThreadCpuTime() < 200_000_000L) {
                x += Math.sqrt(x + 1);
            }
            burnt.countDown();
            try {
                read.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "a rather long busy worker name (1/1)#0");
        busy.start();
        burnt.await();
        CpuLedger during = CpuLedger.read();
        read.countDown();
        busy.join();

        Map<String, Double> byKind = during.threadSecondsSince(before);

        assertThat(byKind).containsKey("a rather long busy worker name");
        assertThat(byKind.get("a rather long busy worker name")).isBetween(0.18, 0.5);
        assertThat(byKind.keySet()).noneMatch(k -> k.startsWith("a rather long b") && k.length() <= 15);
    }

    @Test
    void stripsFlinksSubtaskAndAttemptSuffixesAndPoolNumbers() {
        assertThat(CpuLedger.kind("batch builder -> trainer (1/1)#0")).isEqualTo("batch builder -> trainer");
        assertThat(CpuLedger.kind("GC Thread#1")).isEqualTo("GC Thread");
        assertThat(CpuLedger.kind("kafka-producer-network-thread-3")).isEqualTo("kafka-producer-network-thread");
    }
}
