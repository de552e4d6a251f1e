package io.streamsynth.operators.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsynth.model.checkpoint.Checkpoint;
import io.streamsynth.model.checkpoint.CheckpointCodec;
import io.streamsynth.model.checkpoint.Sha256;
import io.streamsynth.model.runtime.DeviceSpec;
import io.streamsynth.operators.embed.EmbedderSettings;
import io.streamsynth.operators.embed.ItemEmbedder;
import io.streamsynth.operators.kafka.CheckpointChunker;
import io.streamsynth.operators.train.Batches;
import io.streamsynth.operators.train.CatalogTrainer;
import io.streamsynth.operators.types.CheckpointChunk;
import io.streamsynth.operators.types.ImageSample;
import io.streamsynth.operators.types.ItemEmbedding;
import io.streamsynth.operators.types.ModelRelease;
import io.streamsynth.operators.types.VersionProgress;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The release path from trainer to checkpoints topic and embedder does each costly thing once: a
 * version's weights are hashed once and the whole blob once, the embedder gets the weights without
 * the optimizer's moments, a snapshot after a release reuses the released bytes, and a release whose
 * version disagrees with its checkpoint is refused.
 */
@Timeout(120)
class ReleasePathTest {
    private static final String CATALOG = "shoes";

    private static KeyedTwoInputStreamOperatorTestHarness<String, ImageSample, ModelRelease, ItemEmbedding> embedder()
            throws Exception {
        var h = new KeyedTwoInputStreamOperatorTestHarness<String, ImageSample, ModelRelease, ItemEmbedding>(
                new ItemEmbedder(new EmbedderSettings(DeviceSpec.parse("cpu"), 4, Duration.ofMillis(50), 4)),
                ImageSample::itemKey, (ModelRelease r) -> "unused", Types.STRING, 128, 1, 0);
        h.open();
        return h;
    }

    private static ImageSample item(String id, int label, Random random) {
        ImageSample s = new ImageSample();
        s.catalog = CATALOG;
        s.itemId = id;
        s.label = "class-" + label;
        s.channels = 1;
        s.height = Batches.SIZE;
        s.width = Batches.SIZE;
        s.pixels = Batches.image(label, random);
        s.train = true;
        return s;
    }

    /** A trainer at version 1 after one step, and one more step trained but not published. */
    private static CatalogTrainer trainedTrainer(Random random) {
        CatalogTrainer trainer = CatalogTrainer.create(CATALOG, Batches.settings(1), 0);
        trainer.publishColdStart(0);
        trainer.train(Batches.batch(CATALOG, 2, 2, random));
        trainer.publish(1);
        trainer.train(Batches.batch(CATALOG, 2, 2, random));
        return trainer;
    }

    private static void embedAll(KeyedTwoInputStreamOperatorTestHarness<?, ?, ?, ?> h) throws Exception {
        for (int i = 0; i < 100; i++) {
            h.setProcessingTime(h.getProcessingTime() + 1);
        }
    }

    @Test
    void aVersionIsHashedOnceForItsWeightsAndOnceWholeFromTrainerToEmbedder() throws Exception {
        Random random = new Random(3);
        try (CatalogTrainer trainer = trainedTrainer(random); var h = embedder()) {
            h.processElement1(item("a", 0, random), 0);
            h.processElement1(item("b", 1, random), 0);
            ModelRelease release;
            List<CheckpointChunk> chunks;
            long weightsBytes;
            try (Sha256Counter counter = Sha256Counter.install()) {
                release = trainer.publish(2);
                chunks = CheckpointChunker.split(release, 1 << 20);
                h.processElement2(release.weightsOnly(), 0);
                embedAll(h);
                trainer.snapshot(); // a Flink checkpoint right after the release
                weightsBytes = CheckpointCodec.decodeTrusted(release.checkpoint).weights().length;
                // before issue 15: 8 (2 publishing, 1 chunking, 3 per embedder subtask, 2 in the snapshot)
                assertThat(counter.digestsOfAtLeast(weightsBytes)).as("digests covering the weights").isEqualTo(2);
            }
            assertThat(chunks.get(0).sha256).isEqualTo(Sha256.hex(release.checkpoint));
            assertThat(CheckpointCodec.decode(release.checkpoint).metadata().weightsSha256())
                    .as("the one weights digest is the right one")
                    .isEqualTo(Sha256.hex(CheckpointCodec.decodeTrusted(release.checkpoint).weights()));
            assertThat(h.extractOutputValues()).extracting(e -> e.itemId + "@" + e.modelVersion)
                    .containsExactlyInAnyOrder("a@2", "b@2");
            List<VersionProgress> reports = h.getSideOutput(ItemEmbedder.VERSION_PROGRESS).stream()
                    .map(StreamRecord::getValue).toList();
            assertThat(reports).singleElement().satisfies(r -> {
                assertThat(r.version).isEqualTo(2);
                assertThat(r.checkpointSha256).as("names the topic's whole checkpoint, not the embedder's copy")
                        .isEqualTo(Sha256.hex(release.checkpoint));
            });
        }
    }

    @Test
    void theEmbedderGetsTheWeightsWithoutTheOptimizerStateAndEmbedsAlike() throws Exception {
        Random random = new Random(5);
        try (CatalogTrainer trainer = trainedTrainer(random); var whole = embedder(); var lean = embedder()) {
            ModelRelease release = trainer.publish(2);
            ModelRelease weightsOnly = release.weightsOnly();
            Checkpoint full = CheckpointCodec.decode(release.checkpoint);
            Checkpoint copy = CheckpointCodec.decode(weightsOnly.checkpoint);

            assertThat(copy.metadata()).isEqualTo(full.metadata());
            assertThat(copy.weights()).isEqualTo(full.weights());
            assertThat(copy.optimizerState()).isEmpty();
            assertThat(weightsOnly.checkpoint.length)
                    .isEqualTo(release.checkpoint.length - full.optimizerState().length);
            // Adam keeps two moments per weight: the copy is about a third of the release
            assertThat(weightsOnly.checkpoint.length).isLessThan(release.checkpoint.length / 2);
            System.out.printf("release broadcast to the embedder: %d bytes whole, %d bytes weights only%n",
                    release.checkpoint.length, weightsOnly.checkpoint.length);

            for (var h : List.of(whole, lean)) {
                Random same = new Random(11);
                for (int i = 0; i < 6; i++) {
                    h.processElement1(item("i" + i, i % 3, same), 0);
                }
            }
            whole.processElement2(release, 0);
            lean.processElement2(weightsOnly, 0);
            embedAll(whole);
            embedAll(lean);
            List<ItemEmbedding> a = whole.extractOutputValues();
            List<ItemEmbedding> b = lean.extractOutputValues();
            assertThat(b).hasSameSizeAs(a).hasSize(6);
            for (ItemEmbedding e : a) {
                ItemEmbedding other = b.stream().filter(x -> x.itemId.equals(e.itemId)).findFirst().orElseThrow();
                assertThat(other.vector).isEqualTo(e.vector);
            }
        }
    }

    @Test
    void aSnapshotAfterAReleaseReusesItsBytesAndOneAfterAStepEncodesAnew() throws Exception {
        Random random = new Random(7);
        try (CatalogTrainer trainer = trainedTrainer(random)) {
            ModelRelease release = trainer.publish(2);
            long weightsBytes = CheckpointCodec.decodeTrusted(release.checkpoint).weights().length;
            byte[] afterRelease;
            try (Sha256Counter counter = Sha256Counter.install()) {
                afterRelease = trainer.snapshot();
                assertThat(counter.digestsOfAtLeast(weightsBytes)).as("nothing changed: nothing encoded").isZero();
                trainer.train(Batches.batch(CATALOG, 2, 2, random));
                trainer.snapshot();
                assertThat(counter.digestsOfAtLeast(weightsBytes)).as("a step changed the weights").isEqualTo(1);
            }
            try (CatalogTrainer restored = CatalogTrainer.restore(CATALOG, Batches.settings(1), afterRelease)) {
                assertThat(restored.version()).isEqualTo(2);
                assertThat(restored.steps()).isEqualTo(release.step);
                assertThat(CheckpointCodec.decode(restored.publish(3).checkpoint).weights())
                        .as("the restored model is the released one")
                        .isEqualTo(CheckpointCodec.decode(release.checkpoint).weights());
            }
        }
    }

    @Test
    void aReleaseWhoseVersionDisagreesWithItsCheckpointIsRefusedNamingBoth() throws Exception {
        Random random = new Random(9);
        try (CatalogTrainer trainer = trainedTrainer(random); var h = embedder()) {
            ModelRelease release = trainer.publish(2).weightsOnly();
            release.version = 5;
            assertThatThrownBy(() -> h.processElement2(release, 0))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("version 5")
                    .hasMessageContaining("metadata says catalog 'shoes' version 2");
        }
    }
}
