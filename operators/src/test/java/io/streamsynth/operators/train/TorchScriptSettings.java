package io.streamsynth.operators.train;

import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.net.TorchScriptBackbone;
import io.streamsynth.model.runtime.DeviceSpec;
import io.streamsynth.model.train.BackboneFile;
import io.streamsynth.model.train.TrainingConfig;
import io.streamsynth.operators.backbone.BackboneFiles;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Trainer settings over the model module's TorchScript fixtures (make_torchscript_fixtures.py) at the
 * 12 x 12 grey images of {@link Batches}, set up as the job's start-up check does.
 */
public final class TorchScriptSettings {
    private static final Path FIXTURES = Path.of("..", "model", "src", "test", "resources", "torchscript");
    /** grey_pooled.pt as a file:// URI: the trainer reads it through Flink's file systems. */
    public static final String GREY = FIXTURES.resolve("grey_pooled.pt").toAbsolutePath().normalize().toUri()
            .toString();
    /** The same network with other weights, as a plain path. */
    public static final String OTHER = FIXTURES.resolve("grey_pooled_other.pt").toAbsolutePath().normalize()
            .toString();

    private TorchScriptSettings() {}

    public static TrainerSettings grey(IncompatibleStatePolicy policy) {
        return of(GREY, policy);
    }

    public static TrainerSettings of(String module, IncompatibleStatePolicy policy) {
        BackboneFile file = BackboneFiles.read(module);
        Architecture a = Architecture.torchScript(1, Batches.SIZE, Batches.SIZE, 8, Architecture.Pooling.AVG,
                TorchScriptBackbone.inspect(file, 1, Batches.SIZE, Batches.SIZE), file.sha256());
        return new TrainerSettings(a, new TrainingConfig("triplet", Float.NaN, "symm", 2, "adam", 1e-2f, 0.9f, 0f),
                5, DeviceSpec.parse("cpu"), 2, Duration.ofHours(1), 100, 4, module).withOnIncompatibleState(policy);
    }
}
