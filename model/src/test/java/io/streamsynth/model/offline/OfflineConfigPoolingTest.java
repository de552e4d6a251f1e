package io.streamsynth.model.offline;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.runtime.DeviceSpec;
import io.streamsynth.model.train.TrainingConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The offline network pools as the streaming job's does unless asked otherwise. */
class OfflineConfigPoolingTest {

    private static OfflineConfig config(Architecture.Pooling pooling) {
        return new OfflineConfig(Path.of("/nonexistent"), TrainingConfig.defaults(), 16, 10, 4, 8,
                List.of(0, 1, 5, 7, 8), 1, 1, DeviceSpec.parse("cpu"), null, pooling);
    }

    @Test
    void theSmallCnnPoolsByGemUnlessAverageIsAsked() {
        assertThat(config(null).poolingOrDefault()).isEqualTo(Architecture.Pooling.GEM);
        assertThat(OfflineTrainer.architecture(config(null), 1, 28, 28))
                .isEqualTo(new Architecture(Architecture.Kind.CNN, 1, 28, 28, 16, 32, Architecture.Pooling.GEM));
        assertThat(OfflineTrainer.architecture(config(Architecture.Pooling.AVG), 1, 28, 28).pooling())
                .isEqualTo(Architecture.Pooling.AVG);
    }
}
