package io.streamsynth.operators.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.streamsynth.operators.backbone.FlakyFileSystem;
import io.streamsynth.operators.types.ModelRelease;
import io.streamsynth.operators.types.TrainerInput;
import java.nio.file.Files;
import java.net.URI;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.executiongraph.failover.ExecutionFailureHandler;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore that needs a TorchScript module (every checkpoint of such a model does) when the module cannot be
 * used: gone or replaced by another file since the job started, it fails the job once with an error Flink does
 * not retry and that names the file; an I/O error while reading it is left to Flink's restart strategy, and the
 * next attempt resumes the model.
 */
@Timeout(120)
class TrainerRestoreBackboneFileTest {
    @TempDir
    Path dir;

    private static KeyedOneInputStreamOperatorTestHarness<String, TrainerInput, ModelRelease> harness(
            TrainerSettings settings) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(new TrainerOperator(settings), in -> in.catalog,
                Types.STRING);
    }

    /** Catalog "shoes" trained for two steps over {@code module}: version 1 at step 2. */
    private static OperatorSubtaskState trainedOver(TrainerSettings settings, Random random) throws Exception {
        try (var h = harness(settings)) {
            h.open();
            h.processElement(new StreamRecord<>(Batches.batch("shoes", 2, 2, random)));
            h.processElement(new StreamRecord<>(Batches.batch("shoes", 2, 2, random)));
            assertThat(h.extractOutputValues()).extracting(r -> r.version + "@" + r.step)
                    .containsExactly("0@0", "1@2");
            return h.snapshot(1, 1);
        }
    }

    /** Restores {@code snapshot}, trains two more steps and returns the release they publish. */
    private static String resumeAndTrain(TrainerSettings settings, OperatorSubtaskState snapshot, Random random)
            throws Exception {
        try (var h = harness(settings)) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(new StreamRecord<>(Batches.batch("shoes", 2, 2, random)));
            h.processElement(new StreamRecord<>(Batches.batch("shoes", 2, 2, random)));
            return h.extractOutputValues().get(0).version + "@" + h.extractOutputValues().get(0).step;
        }
    }

    private static Throwable openFails(TrainerSettings settings, OperatorSubtaskState snapshot) throws Exception {
        try (var h = harness(settings)) {
            h.initializeState(snapshot);
            return catchThrowable(h::open);
        }
    }

    @Test
    void aModuleThatIsGoneStopsTheJobOnceNamingTheFile() throws Exception {
        Path module = Files.copy(Path.of(TorchScriptSettings.OTHER), dir.resolve("module.pt"));
        TrainerSettings settings = TorchScriptSettings.of(module.toString(), IncompatibleStatePolicy.FAIL);
        Random random = new Random(21);
        OperatorSubtaskState snapshot = trainedOver(settings, random);
        byte[] bytes = Files.readAllBytes(module);
        Files.delete(module);

        Throwable thrown = openFails(settings, snapshot);

        assertThat(thrown).isInstanceOf(SuppressRestartsException.class);
        assertThat(ExecutionFailureHandler.isUnrecoverableError(thrown)).as("non-recoverable for Flink").isTrue();
        assertThat(UnrecoverableBackboneFile.in(thrown)).get().extracting(UnrecoverableBackboneFile::file)
                .isEqualTo(module.toString());
        assertThat(thrown.getCause().getMessage()).contains("catalog 'shoes'", "backbone file " + module
                + ": no such file", "Put the file the model was built from back at " + module);

        // the remedy the message gives works: the same checkpoint resumes once the file is back
        Files.write(module, bytes);
        assertThat(resumeAndTrain(settings, snapshot, random)).isEqualTo("2@4");
    }

    @Test
    void aModuleReplacedSinceTheJobStartedStopsTheJobOnceNamingBothDigests() throws Exception {
        Path module = Files.copy(Path.of(TorchScriptSettings.OTHER), dir.resolve("module.pt"));
        TrainerSettings settings = TorchScriptSettings.of(module.toString(), IncompatibleStatePolicy.FAIL);
        Random random = new Random(23);
        OperatorSubtaskState snapshot = trainedOver(settings, random);
        // the same network with other weights, under the name the running job's settings hold
        Files.copy(Path.of(URI.create(TorchScriptSettings.GREY)), module, StandardCopyOption.REPLACE_EXISTING);

        Throwable thrown = openFails(settings, snapshot);

        assertThat(ExecutionFailureHandler.isUnrecoverableError(thrown)).as("non-recoverable for Flink").isTrue();
        assertThat(thrown.getCause().getMessage()).contains("catalog 'shoes'", "backbone file " + module + " has sha256 "
                + TorchScriptSettings.of(module.toString(), IncompatibleStatePolicy.FAIL).architecture().backboneSha256(),
                "built from a file with sha256 " + settings.architecture().backboneSha256(),
                "Put the file the model was built from back at " + module);
    }

    @Test
    void anIOErrorWhileReadingTheModuleIsLeftToFlinksRestartsAndTheNextAttemptResumes() throws Exception {
        Path module = Files.copy(Path.of(TorchScriptSettings.OTHER), dir.resolve("module.pt"));
        TrainerSettings settings = TorchScriptSettings.of(FlakyFileSystem.uri(module), IncompatibleStatePolicy.FAIL);
        Random random = new Random(22);
        OperatorSubtaskState snapshot = trainedOver(settings, random);

        FlakyFileSystem.failNextOpens(1);
        Throwable thrown = openFails(settings, snapshot);

        assertThat(thrown).isNotNull().isNotInstanceOf(SuppressRestartsException.class);
        assertThat(ExecutionFailureHandler.isUnrecoverableError(thrown)).as("Flink may restart").isFalse();
        assertThat(UnrecoverableBackboneFile.in(thrown)).isEmpty();
        assertThat(thrown).hasMessageContaining("cannot read").hasMessageContaining("(injected)");
        assertThat(resumeAndTrain(settings, snapshot, random)).as("the restart's restore").isEqualTo("2@4");
    }
}
