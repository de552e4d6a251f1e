package io.streamsynth.bench.cli;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Settings the comparison cannot honour are refused before any data loads or broker starts. */
class BenchStreamVsOfflineCommandTest {
    private static BenchStreamVsOfflineCommand parsed(String... args) {
        BenchStreamVsOfflineCommand bench = new BenchStreamVsOfflineCommand();
        new CommandLine(bench).parseArgs(args);
        // a data folder that does not exist: reaching the data would fail with another message
        bench.data = java.nio.file.Path.of("/nonexistent/fashion-mnist");
        return bench;
    }

    @Test
    void refusesAugmentationWhichTheOfflineSideCannotDraw() {
        assertThatThrownBy(() -> parsed("--augment", "true").call())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("drop --augment true");
    }

    @Test
    void refusesImagesOtherThanTheGreyDefaults() {
        assertThatThrownBy(() -> parsed("--image-mean", "0.5").call())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("grey catalog's default images");
    }

    @Test
    void refusesAnUnknownEmbedderModeAndNoSteps() {
        assertThatThrownBy(() -> parsed("--embedder", "maybe").call())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--embedder must be on or off");
        assertThatThrownBy(() -> parsed("--steps", "0").call())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--steps must be at least 1");
    }
}
