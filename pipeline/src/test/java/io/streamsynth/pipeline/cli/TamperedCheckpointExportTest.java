package io.streamsynth.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.streamsynth.model.checkpoint.Checkpoint;
import io.streamsynth.model.checkpoint.CheckpointCodec;
import io.streamsynth.model.checkpoint.Sha256;
import io.streamsynth.model.net.Architecture;
import io.streamsynth.model.train.EmbeddingModel;
import io.streamsynth.model.train.ModelCheckpoints;
import io.streamsynth.model.train.TrainingConfig;
import io.streamsynth.model.train.TrainingStep;
import io.streamsynth.operators.kafka.CheckpointChunkHeaders;
import io.streamsynth.operators.kafka.CheckpointChunkSerializer;
import io.streamsynth.operators.kafka.CheckpointChunker;
import io.streamsynth.operators.types.CheckpointChunk;
import io.streamsynth.operators.types.ModelRelease;
import io.streamsynth.pipeline.kafka.EmbeddedKafka;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints altered on their way through Kafka, written to a real broker's checkpoints topic and
 * read back by {@code export}: the altered version is rejected with a message naming it and the
 * mismatch, and is never written out. (Weights altered before chunking, so that only the metadata's
 * weights_sha256 can tell, are covered by {@link ExportCommandTest}.)
 */
@Timeout(120)
class TamperedCheckpointExportTest {
    private static final Architecture SMALL = new Architecture(Architecture.Kind.CNN, 1, 16, 16, 16, 8);
    private static final int CHUNK_BYTES = 4096;

    private static EmbeddedKafka kafka;
    private static byte[] v1;
    private static byte[] v2;

    @TempDir
    Path dir;

    @BeforeAll
    static void encodeCheckpoints() throws Exception {
        kafka = TopicFixtures.startBroker();
        TrainingConfig config = TrainingConfig.defaults();
        try (EmbeddingModel model = new EmbeddingModel(SMALL, Device.cpu(), 3);
                TrainingStep step = new TrainingStep(model, config)) {
            v1 = CheckpointCodec.encode(ModelCheckpoints.snapshot(step, config, "fashion", 1, Map.of()));
            step.run(new float[8 * 16 * 16], new int[] {0, 0, 0, 0, 1, 1, 1, 1});
            v2 = CheckpointCodec.encode(ModelCheckpoints.snapshot(step, config, "fashion", 2, Map.of()));
        }
    }

    @AfterAll
    static void stopBroker() throws Exception {
        kafka.close();
    }

    @Test
    void weightBytesAlteredInTransitAreRejectedNamingTheVersionAndTheDigests() throws Exception {
        List<CheckpointChunk> chunks = chunks(2, v2);
        flipLastWeightBit(chunks);
        String topic = publish(chunks(1, v1), chunks);

        CommandRun newest = export(topic, "--out", dir.resolve("newest").toString());
        CommandRun asked = export(topic, "--version", "2", "--out", dir.resolve("asked").toString());

        // the newest intact version is exported, and the altered one is reported, not silently passed over
        assertThat(newest.exitCode()).as(newest.err()).isZero();
        assertThat(newest.out()).contains("version 1");
        assertThat(newest.err()).contains("skipped", "checkpoint fashion v2", "altered or corrupted", Sha256.hex(v2));
        assertThat(asked.exitCode()).isEqualTo(2);
        assertThat(asked.err()).contains("version 2", "checkpoint fashion v2", "altered or corrupted", Sha256.hex(v2));
        assertThat(dir.resolve("asked.safetensors")).doesNotExist();
        assertThat(dir.resolve("asked.json")).doesNotExist();
    }

    @Test
    void chunkHeadersRecordingAnotherDigestAreRejected() throws Exception {
        String wrong = Sha256.hex("another checkpoint".getBytes(StandardCharsets.UTF_8));
        List<CheckpointChunk> chunks = chunks(2, v2);
        chunks.forEach(c -> c.sha256 = wrong);
        String topic = publish(chunks);

        CommandRun run = export(topic, "--out", dir.resolve("model").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("no complete checkpoint", "checkpoint fashion v2", "altered or corrupted",
                wrong, Sha256.hex(v2));
        assertThat(dir.resolve("model.safetensors")).doesNotExist();
    }

    private static List<CheckpointChunk> chunks(long version, byte[] encoded) {
        List<CheckpointChunk> chunks = CheckpointChunker.split(new ModelRelease("fashion", version, 0, 0, 0, encoded),
                CHUNK_BYTES);
        assertThat(chunks).as("the test needs checkpoints of several chunks").hasSizeGreaterThan(2);
        return chunks;
    }

    /**
     * Flips the lowest bit of the last weight byte (layout in CheckpointCodec: magic, format,
     * metadata length and bytes, weights length and bytes, ...) in the chunk that holds it, leaving
     * every header as the job wrote it.
     */
    private static void flipLastWeightBit(List<CheckpointChunk> chunks) {
        ByteBuffer in = ByteBuffer.wrap(v2);
        int weightsLengthAt = 16 + (int) in.getLong(8);
        int at = weightsLengthAt + Long.BYTES + (int) in.getLong(weightsLengthAt) - 1;
        CheckpointChunk holder = chunks.get(at / CHUNK_BYTES);
        holder.bytes = holder.bytes.clone();
        holder.bytes[at % CHUNK_BYTES] ^= 1;
    }

    @SafeVarargs
    private static String publish(List<CheckpointChunk>... versions) throws Exception {
        String topic = TopicFixtures.newTopic(kafka, "checkpoints", 1);
        CheckpointChunkSerializer serializer = new CheckpointChunkSerializer(topic);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (List<CheckpointChunk> version : versions) {
            version.forEach(c -> records.add(serializer.serialize(c, null, null)));
        }
        assertThat(records.get(records.size() - 1).headers().lastHeader(CheckpointChunkHeaders.SHA256)).isNotNull();
        TopicFixtures.commit(kafka, records);
        return topic;
    }

    private CommandRun export(String topic, String... extra) {
        List<String> args = new ArrayList<>(List.of("export", "--bootstrap-servers", kafka.bootstrapServers(),
                "--topic", topic, "--idle-ms", "300"));
        args.addAll(List.of(extra));
        return CommandRun.of(args.toArray(new String[0]));
    }
}
