package io.streamsynth.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The jar users run (target/streamsynth.jar, made in the package phase, before Failsafe runs): unit tests
 * of the other modules see their own class paths, so a class the shade drops or shadows is only seen here.
 */
class ShadedJarIT {

    private static final Path JAR = Path.of("target", "streamsynth.jar");

    @Test
    @Timeout(120)
    void theHelpListsTheCommandsFromBothModules() throws Exception {
        Run run = java("-jar", JAR.toString(), "--help");
        assertThat(run.exitCode).as(run.output).isZero();
        // quickstart comes from pipeline; bench is found through ServiceLoader in the bench module
        assertThat(run.output).contains("quickstart").contains("bench");
    }

    @Test
    @Timeout(120)
    void embeddingJsonAndPngEncodingWorkFromTheShadedClasses() throws Exception {
        String classPath = JAR + File.pathSeparator + Path.of("target", "test-classes");
        Run run = java("-cp", classPath, ShadedJarProbe.class.getName());
        assertThat(run.exitCode).as(run.output).isZero();
        assertThat(run.output.strip()).endsWith("ok");
    }

    private record Run(int exitCode, String output) {
    }

    private static Run java(String... args) throws IOException, InterruptedException {
        assertThat(JAR).as("the shaded jar (run `./mvnw package` first)").exists();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Dai.djl.offline=true");
        command.addAll(List.of(args));
        Path log = Files.createTempFile("shaded-jar", ".log");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .start();
            if (!process.waitFor(100, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("java " + String.join(" ", args) + " did not end in 100 s");
            }
            return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
