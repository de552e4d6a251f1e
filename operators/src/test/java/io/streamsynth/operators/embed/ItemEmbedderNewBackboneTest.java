package io.streamsynth.operators.embed;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsynth.model.runtime.DeviceSpec;
import io.streamsynth.operators.train.Batches;
import io.streamsynth.operators.train.CatalogTrainer;
import io.streamsynth.operators.train.IncompatibleStatePolicy;
import io.streamsynth.operators.train.TorchScriptSettings;
import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.ItemEmbedding;
import io.streamsynth.operators.types.ModelRelease;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job restored with its TorchScript file replaced under the same name, under --on-incompatible-state
 * new-lineage: the trainer starts the catalog anew over the new file, so the embedder must not fail on the
 * restored checkpoint of the old one (which it cannot rebuild: the file its lineage names has another sha256
 * now) but wait for the new lineage's first version.
 */
@Timeout(120)
class ItemEmbedderNewBackboneTest {
    private static final String CATALOG = "shoes";
    private static final Random RANDOM = new Random(5);

    private static ImageSample item(String id) {
        ImageSample s = new ImageSample();
        s.catalog = CATALOG;
        s.itemId = id;
        s.label = "class-1";
        s.channels = 1;
        s.height = Batches.SIZE;
        s.width = Batches.SIZE;
        s.pixels = Batches.image(1, RANDOM);
        s.train = true;
        return s;
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, ImageSample, ModelRelease, ItemEmbedding> harness(
            String module) throws Exception {
        return harness(module, 0);
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, ImageSample, ModelRelease, ItemEmbedding> harness(
            String module, double refreshPauseFactor) throws Exception {
        var operator = new ItemEmbedder(new EmbedderSettings(DeviceSpec.parse("cpu"), 4, Duration.ofMillis(50), 1)
                .withScriptedBackbone(module).withRefreshPauseFactor(refreshPauseFactor));
        var h = new KeyedTwoInputStreamOperatorTestHarness<>(operator, ImageSample::itemKey,
                (ModelRelease r) -> "release", Types.STRING, 128, 1, 0);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        h.setup();
        return h;
    }

    /** A trainer of the catalog over the TorchScript module at {@code module}, starting anew if it changed. */
    private static CatalogTrainer trainerOver(String module) {
        return CatalogTrainer.create(CATALOG, TorchScriptSettings.of(module, IncompatibleStatePolicy.NEW_LINEAGE), 0);
    }

    private static List<ItemEmbedding> embeddings(KeyedTwoInputStreamOperatorTestHarness<?, ?, ?, ItemEmbedding> h) {
        return h.getOutput().stream().filter(o -> o instanceof StreamRecord<?>)
                .map(o -> (ItemEmbedding) ((StreamRecord<?>) o).getValue()).toList();
    }

    @Test
    void aRestoreOverAReplacedModuleWaitsForTheNewLineageInsteadOfFailing(@TempDir Path dir) throws Exception {
        String module = dir.resolve("module.pt").toString();
        Files.copy(Path.of(URI.create(TorchScriptSettings.GREY)), Path.of(module));
        ModelRelease old;
        try (CatalogTrainer trainer = trainerOver(module)) {
            trainer.train(Batches.batch(CATALOG, 2, 2, RANDOM));
            old = trainer.publish(1);
        }
        OperatorSubtaskState snapshot;
        try (var h = harness(module)) {
            h.open();
            h.processElement1(item("a"), 0);
            h.processElement1(item("b"), 0);
            h.processElement2(old, 0); // its pass over a and b has not run when the snapshot is taken
            snapshot = h.snapshot(1, 1);
        }
        Files.copy(Path.of(TorchScriptSettings.OTHER), Path.of(module), StandardCopyOption.REPLACE_EXISTING);
        ModelRelease anew;
        try (CatalogTrainer trainer = trainerOver(module)) {
            trainer.train(Batches.batch(CATALOG, 2, 2, RANDOM));
            trainer.publish(1);
            trainer.train(Batches.batch(CATALOG, 2, 2, RANDOM));
            anew = trainer.publish(2); // the job's new lineage keeps counting versions: newer than the old one
        }
        assertThat(anew.version).isGreaterThan(old.version);
        try (var h = harness(module)) {
            h.initializeState(snapshot);
            h.open();
            h.setProcessingTime(1_000); // the waiting batch's flush is due
            h.processElement1(item("c"), 0);
            assertThat(embeddings(h)).as("nothing can be embedded at the old module's version").isEmpty();

            h.processElement2(anew, 0);
            for (int t = 1_001; t < 1_100; t++) {
                h.setProcessingTime(t);
            }
            String v = " v" + anew.version;
            assertThat(embeddings(h)).extracting(e -> e.itemId + " v" + e.modelVersion)
                    .containsExactlyInAnyOrder("a" + v, "b" + v, "c" + v);
            var reports = h.getSideOutput(ItemEmbedder.VERSION_PROGRESS).stream().map(StreamRecord::getValue)
                    .map(r -> "v" + r.version + (r.superseded ? " superseded" : " complete")).toList();
            assertThat(reports).as("the old version, never through here, is superseded by the new one")
                    .containsExactly("v" + old.version + " superseded", "v" + anew.version + " complete");
        }
    }

    private static List<String> reports(KeyedTwoInputStreamOperatorTestHarness<?, ?, ?, ?> h) {
        return h.getSideOutput(ItemEmbedder.VERSION_PROGRESS).stream().map(StreamRecord::getValue)
                .map(r -> "v" + r.version + (r.superseded ? " superseded" : " complete")).toList();
    }

    /**
     * Paced: a version of the old module waited for the pause when the snapshot was taken. The restore serves
     * it at once, and cannot rebuild it: the operator must still open (else the job restarts into the same
     * failure), and the waiting version, owed by every key group, must be superseded by the new lineage's.
     */
    @Test
    void aRestoredWaitingVersionOfAReplacedModuleIsSupersededByTheNewLineage(@TempDir Path dir) throws Exception {
        String module = dir.resolve("module.pt").toString();
        Files.copy(Path.of(URI.create(TorchScriptSettings.GREY)), Path.of(module));
        ModelRelease served;
        ModelRelease waiting;
        try (CatalogTrainer trainer = trainerOver(module)) {
            trainer.train(Batches.batch(CATALOG, 2, 2, RANDOM));
            served = trainer.publish(1);
            trainer.train(Batches.batch(CATALOG, 2, 2, RANDOM));
            waiting = trainer.publish(2);
        }
        OperatorSubtaskState snapshot;
        try (var h = harness(module, 1)) {
            h.open();
            h.setProcessingTime(0);
            h.processElement1(item("a"), 0);
            h.processElement1(item("b"), 0);
            h.processElement2(served, 0);
            while (((ItemEmbedder) h.getOperator()).pendingRefresh() > 0) {
                h.setProcessingTime(h.getProcessingTime() + 1);
            }
            h.processElement2(waiting, h.getProcessingTime()); // the pause after the pass holds it
            assertThat(embeddings(h)).allMatch(e -> e.modelVersion == served.version);
            assertThat(reports(h)).containsExactly("v" + served.version + " complete");
            snapshot = h.snapshot(1, h.getProcessingTime());
        }
        Files.copy(Path.of(TorchScriptSettings.OTHER), Path.of(module), StandardCopyOption.REPLACE_EXISTING);
        ModelRelease anew;
        try (CatalogTrainer trainer = trainerOver(module)) {
            do {
                trainer.train(Batches.batch(CATALOG, 2, 2, RANDOM));
                anew = trainer.publish(1);
            } while (anew.version <= waiting.version);
        }
        try (var h = harness(module, 1)) {
            h.initializeState(snapshot);
            h.open();
            h.setProcessingTime(1_000);
            h.processElement1(item("c"), 1_000);
            h.setProcessingTime(1_100);
            assertThat(embeddings(h)).as("nothing can be embedded at the old module's versions").isEmpty();

            h.processElement2(anew, 1_100);
            for (int t = 1_101; t < 1_200; t++) {
                h.setProcessingTime(t);
            }
            String v = " v" + anew.version;
            assertThat(embeddings(h)).extracting(e -> e.itemId + " v" + e.modelVersion)
                    .containsExactlyInAnyOrder("a" + v, "b" + v, "c" + v);
            assertThat(reports(h)).containsExactly("v" + waiting.version + " superseded", "v" + anew.version
                    + " complete");
        }
    }
}
