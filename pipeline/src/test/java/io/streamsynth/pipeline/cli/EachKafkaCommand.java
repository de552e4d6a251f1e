package io.streamsynth.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.model.data.ImageDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs each command that talks to Kafka ({@code train}, {@code produce}, {@code evaluate},
 * {@code export}, {@code index serve}) with the default topics and one client properties file, for tests of settings
 * that must be refused before any of them does its work.
 */
public final class EachKafkaCommand {
    private EachKafkaCommand() {}

    /** The runs by command name, in the order above; {@code dir} receives an image folder and export's output. */
    public static Map<String, CommandRun> run(String bootstrapServers, Path clientFile, Path dir) throws Exception {
        Path images = dir.resolve("images");
        Path png = Files.createDirectories(images.resolve("shoe")).resolve("a.png");
        Files.write(png, ImageDecoder.encodePng(1, 28, 28, new byte[28 * 28]));
        String[] kafka = {"--bootstrap-servers", bootstrapServers, "--kafka-properties", clientFile.toString()};
        Map<String, CommandRun> runs = new LinkedHashMap<>();
        runs.put("train", CommandRun.of(with("train", kafka)));
        runs.put("produce", CommandRun.of(with("produce", kafka, "--image-folder", images.toString())));
        runs.put("evaluate", CommandRun.of(with("evaluate", kafka)));
        runs.put("export", CommandRun.of(with("export", kafka, "--out", dir.resolve("model").toString())));
        runs.put("index serve", CommandRun.of(with("index", new String[0],
                with("serve", kafka, "--index-dir", dir.resolve("index").toString()))));
        return runs;
    }

    /** Asserts that every run exited 2 with one line on stderr, an error holding each of {@code fragments}. */
    public static void assertEachRefusedInOneLine(Map<String, CommandRun> runs, String... fragments) {
        runs.forEach((name, run) -> {
            assertThat(run.exitCode()).as(name + ": " + run.err()).isEqualTo(2);
            String err = run.err().strip();
            assertThat(err).as(name + ": one line").doesNotContain("\n").startsWith("error: ");
            assertThat(err).as(name).contains(fragments);
        });
    }

    private static String[] with(String command, String[] kafka, String... more) {
        String[] args = new String[1 + kafka.length + more.length];
        args[0] = command;
        System.arraycopy(kafka, 0, args, 1, kafka.length);
        System.arraycopy(more, 0, args, 1 + kafka.length, more.length);
        return args;
    }
}
