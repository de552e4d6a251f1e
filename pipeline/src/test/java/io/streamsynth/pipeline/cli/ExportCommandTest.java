package io.streamsynth.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.streamsynth.model.checkpoint.Checkpoint;
import io.streamsynth.model.checkpoint.CheckpointCodec;
import io.streamsynth.model.checkpoint.CheckpointMetadata;
import io.streamsynth.model.checkpoint.SafeTensors;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.train.EmbeddingModel;
import io.streamsynth.model.train.ModelCheckpoints;
import io.streamsynth.model.train.TrainingConfig;
import io.streamsynth.model.train.TrainingStep;
import io.streamsynth.operators.kafka.CheckpointChunkSerializer;
import io.streamsynth.operators.kafka.CheckpointChunker;
import io.streamsynth.operators.types.CheckpointChunk;
import io.streamsynth.operators.types.ModelRelease;
import io.streamsynth.pipeline.kafka.EmbeddedKafka;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real checkpoints of a small CNN, one training step apart, published in chunks as the job publishes them. */
class ExportCommandTest {
    private static final Architecture SMALL = new Architecture(Architecture.Kind.CNN, 1, 16, 16, 16, 8);
    private static final int CHUNK_BYTES = 4096;

    private static EmbeddedKafka kafka;
    private static Checkpoint v1;
    private static Checkpoint v2;
    private static Checkpoint v3;
    /** v1, v2 and another catalog's checkpoint complete, v3 missing its last chunk. */
    private static String topic;

    @TempDir
    Path dir;

    @BeforeAll
    static void publishCheckpoints() throws Exception {
        kafka = TopicFixtures.startBroker();
        TrainingConfig config = TrainingConfig.defaults();
        try (EmbeddingModel model = new EmbeddingModel(SMALL, Device.cpu(), 3);
                TrainingStep step = new TrainingStep(model, config)) {
            v1 = ModelCheckpoints.snapshot(step, config, "fashion", 1, Map.of("r_at_1", 0.5));
            step.run(randomImages(8, new Random(1)), new int[] {0, 0, 0, 0, 1, 1, 1, 1});
            v2 = ModelCheckpoints.snapshot(step, config, "fashion", 2, Map.of("r_at_1", 0.6));
            step.run(randomImages(8, new Random(2)), new int[] {0, 0, 0, 0, 1, 1, 1, 1});
            v3 = ModelCheckpoints.snapshot(step, config, "fashion", 3, Map.of());
        }
        topic = TopicFixtures.newTopic(kafka, "checkpoints", 1);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        records.addAll(chunks(topic, "fashion", 1, CheckpointCodec.encode(v1)));
        records.addAll(chunks(topic, "fashion", 2, CheckpointCodec.encode(v2)));
        records.addAll(chunks(topic, "shoes", 7, CheckpointCodec.encode(
                Checkpoint.of(v2.metadata().withWeightsSha256(null), v2.weights(), v2.optimizerState()))));
        List<ProducerRecord<byte[], byte[]>> incomplete = chunks(topic, "fashion", 3, CheckpointCodec.encode(v3));
        records.addAll(incomplete.subList(0, incomplete.size() - 1));
        TopicFixtures.commit(kafka, records);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        kafka.close();
    }

    @Test
    void writesTheNewestCompleteCheckpointAsSafetensorsJsonAndModelCard() throws Exception {
        CommandRun run = export(topic, "--out", dir.resolve("model").toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        byte[] weights = Files.readAllBytes(dir.resolve("model.safetensors"));
        assertThat(weights).as("weights byte for byte").isEqualTo(v2.weights());
        assertThat(SafeTensors.read(weights).tensors()).isEqualTo(v2.readWeights().tensors());
        byte[] metadata = Files.readAllBytes(dir.resolve("model.json"));
        assertThat(metadata).isEqualTo(v2.metadata().toPrettyJson());
        assertThat(CheckpointMetadata.fromJson(metadata).weightsSha256()).isEqualTo(v2.metadata().weightsSha256());
        assertThat(run.out()).contains("version 2", "step 1", v2.metadata().weightsSha256(), "model.card.json");
        String card = Files.readString(dir.resolve("model.card.json"));
        assertThat(card).contains("\"file\" : \"model.safetensors\"", v2.metadata().weightsSha256(),
                "\"name\" : \"streamsynth fashion v2\"");
        int chunks = chunks(topic, "fashion", 3, CheckpointCodec.encode(v3)).size();
        assertThat(run.err()).contains("exporting version 2, the newest promoted checkpoint of catalog 'fashion' whose chunks "
                + "all arrived; version 3 has " + (chunks - 1) + " of " + chunks + " chunks so far");
    }

    @Test
    void takesTheNewestPromotedVersionUnlessCandidatesAreAskedFor() throws Exception {
        String gated = TopicFixtures.newTopic(kafka, "checkpoints", 1);
        Checkpoint promoted = v1.withPromotion(Map.of("promoted", true, "reason", "cold_start", "serving_version", 1));
        Checkpoint rejected = v2.withPromotion(Map.of("promoted", false, "reason", "recall_dropped",
                "serving_version", 1, "candidate_recall_at_1", 0.4, "promoted_recall_at_1", 0.5));
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        records.addAll(chunks(gated, "fashion", 1, CheckpointCodec.encode(promoted)));
        records.addAll(chunks(gated, "fashion", 2, CheckpointCodec.encode(rejected)));
        TopicFixtures.commit(kafka, records);

        CommandRun served = export(gated, "--out", dir.resolve("served").toString());
        CommandRun newest = export(gated, "--include-candidates", "--out", dir.resolve("newest").toString());
        CommandRun asked = export(gated, "--version", "2", "--out", dir.resolve("asked").toString());

        assertThat(served.exitCode()).as(served.err()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("served.safetensors"))).isEqualTo(v1.weights());
        assertThat(served.err()).contains("exporting version 1, the newest promoted checkpoint of catalog 'fashion'",
                "the newest trained version, 2, was not promoted (recall_dropped)");
        assertThat(newest.exitCode()).as(newest.err()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("newest.safetensors"))).isEqualTo(v2.weights());
        assertThat(asked.exitCode()).as(asked.err()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("asked.safetensors"))).isEqualTo(v2.weights());
        assertThat(CheckpointMetadata.fromJson(Files.readAllBytes(dir.resolve("asked.json"))).promotion())
                .containsEntry("promoted", false).containsEntry("reason", "recall_dropped");
    }

    @Test
    void writesTheRequestedVersion() throws Exception {
        CommandRun run = export(topic, "--version", "1", "--out", dir.resolve("v1").toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(SafeTensors.read(Files.readAllBytes(dir.resolve("v1.safetensors"))).tensors())
                .isEqualTo(v1.readWeights().tensors());
        assertThat(run.out()).contains("version 1", "step 0");
    }

    @Test
    void tamperedWeightsFailTheIntegrityCheckAndNothingIsWritten() throws Exception {
        String tampered = TopicFixtures.newTopic(kafka, "checkpoints", 1);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        records.addAll(chunks(tampered, "fashion", 1, CheckpointCodec.encode(v1)));
        // the chunks' own sha256 is computed over the altered bytes, so only the weights' digest can tell
        records.addAll(chunks(tampered, "fashion", 2, flipLastWeightBit(CheckpointCodec.encode(v2))));
        TopicFixtures.commit(kafka, records);

        CommandRun run = export(tampered, "--out", dir.resolve("model").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("error: ").contains("version 2", "integrity", "sha256");
        assertThat(dir.resolve("model.safetensors")).doesNotExist();
        assertThat(dir.resolve("model.json")).doesNotExist();
        assertThat(dir.resolve("model.card.json")).doesNotExist();
    }

    @Test
    void catalogWithoutCheckpointsExitsTwoNamingIt() {
        CommandRun run = export(topic, "--catalog", "bags", "--out", dir.resolve("model").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("no complete checkpoint", "bags");
    }

    @Test
    void incompleteVersionIsNotExportedEvenWhenAskedFor() {
        CommandRun run = export(topic, "--version", "3", "--out", dir.resolve("model-3").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        int chunks = chunks(topic, "fashion", 3, CheckpointCodec.encode(v3)).size();
        assertThat(run.err().strip().lines().reduce((a, b) -> b).orElseThrow()).isEqualTo("error: checkpoint version 3 "
                + "of catalog 'fashion' is incomplete in topic '" + topic + "': " + (chunks - 1) + " of " + chunks
                + " chunks read (the rest are in an open transaction or were never written); nothing written: "
                + "export a complete version");
        assertThat(dir.resolve("model-3.safetensors")).doesNotExist();
    }

    @Test
    void missingOutExitsTwoNamingTheFlag() {
        CommandRun run = CommandRun.of("export", "--bootstrap-servers", kafka.bootstrapServers());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--out");
    }

    @Test
    void helpNamesTheOutputFiles() {
        CommandRun run = CommandRun.of("export", "--help");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("--catalog", "--version", "--out", "PREFIX.safetensors", "PREFIX.json");
    }

    private CommandRun export(String fromTopic, String... extra) {
        List<String> args = new ArrayList<>(List.of("export", "--bootstrap-servers", kafka.bootstrapServers(),
                "--topic", fromTopic, "--idle-ms", "300"));
        args.addAll(List.of(extra));
        return CommandRun.of(args.toArray(new String[0]));
    }

    private static List<ProducerRecord<byte[], byte[]>> chunks(String topic, String catalog, long version,
            byte[] encoded) {
        CheckpointChunkSerializer serializer = new CheckpointChunkSerializer(topic);
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        ModelRelease release = new ModelRelease(catalog, version, 0, 0, 0, encoded);
        for (CheckpointChunk chunk : CheckpointChunker.split(release, CHUNK_BYTES)) {
            out.add(serializer.serialize(chunk, null, null));
        }
        assertThat(out).as("the test needs checkpoints of several chunks").hasSizeGreaterThan(2);
        return out;
    }

    /**
     * Flips the lowest bit of the last weight byte inside an encoded checkpoint (layout in
     * CheckpointCodec: magic, format, metadata length and bytes, weights length and bytes, ...).
     */
    private static byte[] flipLastWeightBit(byte[] encoded) {
        byte[] copy = encoded.clone();
        ByteBuffer in = ByteBuffer.wrap(copy);
        int weightsLengthAt = 16 + (int) in.getLong(8);
        int lastWeightByte = weightsLengthAt + Long.BYTES + (int) in.getLong(weightsLengthAt) - 1;
        copy[lastWeightByte] ^= 1;
        return copy;
    }

    private static float[] randomImages(int count, Random random) {
        float[] pixels = new float[count * 16 * 16];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextFloat();
        }
        return pixels;
    }
}
