package io.streamsynth.model.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class TorchLogLevelTest {

    @Test
    void readsLevelsAsC10DoesAndDefaultsToError() {
        assertThat(TorchLogLevel.parse("ERROR")).contains(2);
        assertThat(TorchLogLevel.parse(" warning ")).contains(1);
        assertThat(TorchLogLevel.parse("info")).contains(0);
        assertThat(TorchLogLevel.parse("3")).contains(3);
        assertThat(TorchLogLevel.parse(null)).contains(TorchLogLevel.ERROR);
        assertThat(TorchLogLevel.parse("")).contains(TorchLogLevel.ERROR);
        assertThat(TorchLogLevel.parse("loud")).isEmpty();
        assertThat(TorchLogLevel.parse("4")).isEmpty();
    }

    /**
     * The build runs tests with TORCH_CPP_LOG_LEVEL=ERROR (the parent pom), as the launcher and the
     * image run the product; libtorch's own default is WARNING, which lets NNPACK's probe through.
     */
    @Test
    void theLoadedLibtorchLogsAtTheLevelTheEnvironmentNames() {
        TorchRuntime.engine();

        Optional<Integer> wanted = TorchLogLevel.parse(System.getenv(TorchLogLevel.VARIABLE));
        assertThat(wanted).isPresent();
        assertThat(TorchLogLevel.current()).isEqualTo(wanted.get());
    }
}
