package io.streamsynth.pipeline.cli;

import java.nio.file.Files;
import java.time.Duration;

/**
 * A quickstart run in miniature, in its own JVM for {@link StopOnSignalTest}: it fills its folders
 * as Flink would, waits for a signal, then prints a summary and removes its files, slowly enough
 * that a JVM not waiting for it would halt first.
 */
public final class StopOnSignalProbe {
    private StopOnSignalProbe() {}

    public static void main(String[] args) throws Exception {
        try (StopOnSignal stop = new StopOnSignal(Duration.ofSeconds(30));
                QuickstartDirs dirs = QuickstartDirs.create(null)) {
            Files.createDirectories(dirs.flinkTmp().resolve("minicluster_probe").resolve("tm_0"));
            Files.writeString(dirs.flinkTmp().resolve("flink-rpc-akka_probe.jar"), "jar");
            Files.createDirectories(dirs.checkpoints());
            System.out.println("ready " + dirs.root());
            System.out.flush();
            while (!stop.requested()) {
                Thread.sleep(20);
            }
            Thread.sleep(1000);
            System.out.println("== summary");
            System.out.flush();
        }
    }
}
